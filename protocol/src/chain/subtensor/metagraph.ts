import type { ApiPromise } from '@polkadot/api'
import type { Option, Struct, Vec } from '@polkadot/types'
import type { Codec } from '@polkadot/types/types'
import type { ChainNeuron, Metagraph } from '../chain.js'
import { toBig } from './hyperparameters.js'
import type { RuntimeProfile } from './runtime-check.js'

type Fn = (...args: unknown[]) => Promise<Codec>
type EntriesFn = { entries: (...args: unknown[]) => Promise<Array<[{ args: Codec[] }, Codec]>> }

function sm(api: ApiPromise): Record<string, Fn & EntriesFn> {
  return api.query.subtensorModule as unknown as Record<string, Fn & EntriesFn>
}

function vec(s: Struct, field: string): Codec[] {
  return [...((s.get(field) as Vec<Codec> | undefined) ?? [])]
}

/** Neurons from `subnetInfoRuntimeApi.getMetagraph` (typed on spec ≥ 293): one call for everything. */
export function neuronsFromRuntimeMetagraph(value: Codec): ChainNeuron[] | undefined {
  const opt = value as Option<Struct>
  if (opt.isNone) return undefined
  const m = opt.unwrap()
  const hotkeys = vec(m, 'hotkeys')
  const coldkeys = vec(m, 'coldkeys')
  const stake = vec(m, 'totalStake')
  const permit = vec(m, 'validatorPermit')
  const active = vec(m, 'active')
  const lastUpdate = vec(m, 'lastUpdate')
  const registered = vec(m, 'blockAtRegistration')
  return hotkeys.map((hk, uid) => ({
    uid,
    hotkey: hk.toString(),
    coldkey: coldkeys[uid]?.toString() ?? '',
    // total_stake is the stake weight the epoch ranks by (alpha + TAO × TaoWeight, rpc_info/metagraph.rs).
    stake: stake[uid] === undefined ? 0n : toBig(stake[uid]),
    validatorPermit: permit[uid]?.toJSON() === true,
    active: active[uid]?.toJSON() === true,
    lastUpdate: lastUpdate[uid] === undefined ? 0 : Number(toBig(lastUpdate[uid])),
    blockAtRegistration: registered[uid] === undefined ? 0 : Number(toBig(registered[uid])),
  }))
}

/**
 * Neurons from storage, for runtimes whose runtime API returns opaque bytes (spec 218) or is broken.
 * Stake is the hotkey's alpha on this subnet (or its total stake before dTAO), without the TAO weight.
 */
export async function neuronsFromStorage(
  api: ApiPromise,
  profile: RuntimeProfile,
  netuid: number,
  at?: string,
): Promise<ChainNeuron[]> {
  const q = at === undefined ? sm(api) : ((await api.at(at)).query.subtensorModule as unknown as ReturnType<typeof sm>)
  const [n, keyEntries, permits, actives, updates] = await Promise.all([
    q.subnetworkN!(netuid),
    q.keys!.entries(netuid),
    q.validatorPermit!(netuid),
    q.active!(netuid),
    q.lastUpdate!(netuid),
  ])
  const count = Number(toBig(n))
  const hotkeys = new Map<number, string>()
  for (const [key, value] of keyEntries) {
    const uid = Number(toBig(key.args[1]!))
    if (uid < count) hotkeys.set(uid, value.toString())
  }
  const permitList = [...(permits as Vec<Codec>)]
  const activeList = [...(actives as Vec<Codec>)]
  const updateList = [...(updates as Vec<Codec>)]
  const uids = [...hotkeys.keys()].sort((a, b) => a - b)
  return Promise.all(
    uids.map(async (uid) => {
      const hotkey = hotkeys.get(uid)!
      const [coldkey, registered, stake] = await Promise.all([
        q.owner!(hotkey),
        q.blockAtRegistration!(netuid, uid),
        profile.alphaStake ? q.totalHotkeyAlpha!(hotkey, netuid) : q.totalHotkeyStake!(hotkey),
      ])
      return {
        uid,
        hotkey,
        coldkey: coldkey.toString(),
        stake: toBig(stake),
        validatorPermit: permitList[uid]?.toJSON() === true,
        active: activeList[uid]?.toJSON() === true,
        lastUpdate: updateList[uid] === undefined ? 0 : Number(toBig(updateList[uid])),
        blockAtRegistration: Number(toBig(registered)),
      }
    }),
  )
}

/** The subnet's metagraph at the best block: runtime API when typed, storage otherwise. */
export async function readMetagraph(api: ApiPromise, profile: RuntimeProfile, netuid: number): Promise<Metagraph> {
  const header = await api.rpc.chain.getHeader()
  const hash = header.hash.toHex()
  let neurons: ChainNeuron[] | undefined
  if (profile.typedMetagraph) {
    const apiAt = await api.at(hash)
    const call = apiAt.call as unknown as { subnetInfoRuntimeApi: { getMetagraph: Fn } }
    neurons = neuronsFromRuntimeMetagraph(await call.subnetInfoRuntimeApi.getMetagraph(netuid))
  }
  neurons ??= await neuronsFromStorage(api, profile, netuid, hash)
  return { netuid, block: header.number.toNumber(), neurons }
}
