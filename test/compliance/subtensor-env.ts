import { setTimeout as sleep } from 'node:timers/promises'
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'
import type { Hyperparameters } from '../../protocol/src/chain/chain.js'
import { NonceQueue } from '../../protocol/src/chain/subtensor/nonce-queue.js'
import { submitExtrinsic } from '../../protocol/src/chain/subtensor/submit.js'
import { createSubtensorChain } from '../../protocol/src/chain/subtensor/subtensor-chain.js'
import { type Hotkey, hotkeyFromUri } from '../../protocol/src/identity/hotkey.js'
import { silentLogger } from '../../protocol/src/logger.js'
import type { ChainTestEnv, ChainTestFeatures } from '../../protocol/test/compliance/chain.suite.js'
import { type ChopsticksNode, startChopsticks } from '../utils/chopsticks.js'

// Fund far above burn (≤ 1 TAO), stake (the suite's 1000 TAO) and fees.
const FUNDING_RAO = 1_000_000_000_000_000n
// Pool reserves (rao) on each side: 1000× the suite's largest stake, so slippage stays negligible.
const POOL_DEPTH_RAO = 1_000_000_000_000_000n
const HOTKEY_URIS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve']
// One coldkey pays for registrations and stake, so admin transactions never share a nonce with the hotkeys
// the adapter signs with.
const COLDKEY_URI = '//Ferdie'
// Per admin request: as long as the suite's case timeout, which then decides.
const ADMIN_RPC_TIMEOUT_MS = 180_000
// Within the suite's 180 s setup budget; a leftover build of ~100 blocks ends well inside it.
const FRESH_CHILD_DEADLINE_MS = 120_000
const FRESH_CHILD_RETRY_MS = 1_000

type Item = { key: (...args: unknown[]) => string; creator: { meta: { type: TypeMeta } } }
type TypeMeta = { isMap: boolean; asMap: { value: Codec }; asPlain: Codec }

/** Hyperparameter → (storage item, whether it is keyed by netuid). Spec 218 calls the stake gate WeightsMinStake. */
const HYPERPARAMETER_ITEMS: Record<keyof Hyperparameters, Array<[item: string, perNet: boolean]>> = {
  tempo: [['tempo', true]],
  weightsRateLimit: [['weightsSetRateLimit', true]],
  weightsVersionKey: [['weightsVersionKey', true]],
  commitRevealEnabled: [['commitRevealWeightsEnabled', true]],
  commitRevealPeriod: [['revealPeriodEpochs', true]],
  maxWeightLimit: [['maxWeightsLimit', true]],
  minAllowedWeights: [['minAllowedWeights', true]],
  maxAllowedValidators: [['maxAllowedValidators', true]],
  stakeThreshold: [
    ['stakeThreshold', false],
    ['weightsMinStake', false],
  ],
}

/** A chopsticks node booted once per test file, reverted to a prepared block before every case. */
export interface ChopsticksSuite {
  setup(): Promise<ChainTestEnv>
  stop(): Promise<void>
}

/**
 * The chain suite's env for a real Subtensor runtime under chopsticks: privileged steps write storage with
 * `dev_setStorage` (runtime-agnostic, no sudo key needed), registration and stake are real extrinsics paid
 * by one coldkey, and every case starts from a new child of the same block (`dev_setHead` + one block).
 */
export function chopsticksSuite(
  specFile: string,
  netuid: number,
  features: ChainTestFeatures,
  base: Partial<Hyperparameters> = {},
): ChopsticksSuite {
  let node: ChopsticksNode | undefined
  let admin: ApiPromise | undefined
  let provider: WsProvider | undefined
  let baseHash: string | undefined
  let hotkeys: Hotkey[] = []
  let coldkey: Hotkey | undefined

  const rpc = <T>(method: string, params: unknown[]): Promise<T> => provider!.send<T>(method, params)

  function item(name: string, pallet = 'subtensorModule'): Item | undefined {
    return (admin!.query as unknown as Record<string, Record<string, Item | undefined>>)[pallet]?.[name]
  }

  async function write(entries: Array<[Item, unknown[], unknown]>): Promise<void> {
    const raw = entries.map(([it, args, value]) => {
      const t = it.creator.meta.type
      const type = admin!.registry.createLookupType(Number((t.isMap ? t.asMap.value : t.asPlain).toString()))
      return [it.key(...args), u8aToHex(admin!.createType(type, value).toU8a())]
    })
    await rpc('dev_setStorage', [raw])
  }

  async function setHyperparameters(patch: Partial<Hyperparameters>): Promise<void> {
    const writes: Array<[Item, unknown[], unknown]> = []
    for (const [field, value] of Object.entries(patch) as Array<[keyof Hyperparameters, unknown]>) {
      const target = HYPERPARAMETER_ITEMS[field].find(([name]) => item(name) !== undefined)
      if (target === undefined) throw new Error(`no storage item for ${field} on ${specFile}`)
      const [name, perNet] = target
      writes.push([item(name)!, perNet ? [netuid] : [], value])
    }
    if (writes.length > 0) await write(writes)
  }

  async function boot(): Promise<void> {
    node = await startChopsticks(specFile)
    // polkadot-js gives up on a request after 60 s. A 100-block advance took longer on a loaded machine (load
    // 12 on 2 cores) while the node went on building; that case failed and so did every later one on the same
    // node. The case timeout decides instead.
    provider = new WsProvider(node.url, undefined, undefined, ADMIN_RPC_TIMEOUT_MS)
    admin = await ApiPromise.create({ provider, noInitWarn: true })
    hotkeys = await Promise.all(HOTKEY_URIS.map(hotkeyFromUri))
    coldkey = await hotkeyFromUri(COLDKEY_URI)
    const account = item('account', 'system')!
    const funded = { nonce: 0, consumers: 0, providers: 1, sufficients: 0, data: { free: FUNDING_RAO } }
    const writes: Array<[Item, unknown[], unknown]> = [...hotkeys, coldkey].map((h) => [account, [h.ss58], funded])
    // Open registration wide and cheap; start the subnet's emission (spec ≥ 2xx subnets wait for start_call).
    const open: Array<[string, unknown]> = [
      ['networkRegistrationAllowed', true],
      ['maxRegistrationsPerBlock', 100],
      ['targetRegistrationsPerInterval', 100],
      ['burn', 1_000_000],
      ['minBurn', 1_000_000],
      ['firstEmissionBlockNumber', 1],
      ['subtokenEnabled', true],
      // raonet's subnet 1 pool holds 1 rao of alpha, so staking TAO bought nothing: give it depth at price 1.
      ['subnetTAO', POOL_DEPTH_RAO],
      ['subnetAlphaIn', POOL_DEPTH_RAO],
      ['immunityPeriod', 0],
    ]
    for (const [name, value] of open) {
      const it = item(name)
      if (it !== undefined) writes.push([it, [netuid], value])
    }
    await write(writes)
    await setHyperparameters(base)
    baseHash = await rpc<string>('dev_newBlock', [{ count: 1 }])
  }

  // `dev_setStorage` edits the head block in place: a case that wrote storage before its first block would
  // edit the prepared block itself, and every later case would start from its leftovers (seen: an owner
  // hotkey set by one case was still there in the next). Each case builds on a fresh child instead, and
  // checks it is one: blocks an earlier, timed-out case asked for are still being built and move the head
  // under it (seen under load), so it retries until that build is done.
  async function startOnFreshChild(): Promise<void> {
    const deadline = Date.now() + FRESH_CHILD_DEADLINE_MS
    do {
      await rpc('dev_setHead', [baseHash])
      const child = await rpc<string>('dev_newBlock', [{ count: 1 }])
      const header = await rpc<{ parentHash: string }>('chain_getHeader', [child])
      if (header.parentHash === baseHash) return
      await sleep(FRESH_CHILD_RETRY_MS)
    } while (Date.now() < deadline)
    throw new Error(`${specFile}: could not start a case on a child of the prepared block ${baseHash}`)
  }

  async function setup(): Promise<ChainTestEnv> {
    if (node === undefined) await boot()
    await startOnFreshChild()
    const chain = await createSubtensorChain({ url: node!.url, netuid, inclusionTimeoutMs: 30_000 })
    const nonces = new NonceQueue(async (a) => (await admin!.rpc.system.accountNextIndex(a)).toNumber())
    const deps = { api: admin!, nonces, log: silentLogger }
    const tx =
      (call: string, ...args: unknown[]) =>
      () =>
        (admin!.tx.subtensorModule as unknown as Record<string, (...a: unknown[]) => SubmittableExtrinsic<'promise'>>)[
          call
        ]!(...args)
    return {
      chain,
      hotkeys: hotkeys.slice(),
      features,
      chainOn: (other) => createSubtensorChain({ url: node!.url, netuid: other }),
      admin: {
        register: async (h) => {
          await submitExtrinsic(deps, coldkey!, tx('burnedRegister', netuid, h.ss58), { call: 'burnedRegister' })
        },
        addStake: async (h, rao) => {
          await submitExtrinsic(deps, coldkey!, tx('addStake', h.ss58, netuid, rao), { call: 'addStake' })
        },
        advanceBlocks: async (n) => {
          await rpc('dev_newBlock', [{ count: n }])
        },
        setHyperparameters,
        // Written to storage like the other privileged steps: the owner's own call needs the owner coldkey.
        setSubnetOwner: async (h) => {
          const owner = item('subnetOwnerHotkey')
          if (owner === undefined) throw new Error(`${specFile} has no SubtensorModule.SubnetOwnerHotkey`)
          await write([[owner, [netuid], h.ss58]])
        },
      },
      teardown: () => chain.close(),
    }
  }

  return {
    setup,
    async stop() {
      // Stop the node even if the client hangs on disconnect.
      await Promise.race([admin?.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())])
      await node?.stop()
    },
  }
}
