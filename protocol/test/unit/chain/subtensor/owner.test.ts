import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'
import { describe, expect, it } from 'vitest'
import { createSubtensorChain } from '../../../../src/chain/subtensor/subtensor-chain.js'
import { HAS_FINNEY_METADATA, NETUID, queryOf, useStandIn } from './helpers.js'

interface Storable {
  key: (...args: unknown[]) => string
  creator: { meta: { type: { isMap: boolean; asMap: { value: Codec } } } }
}

// `SubnetOwnerHotkey` as mainnet (spec 424) encodes it: the adapter reads the key polkadot-js derives from the
// metadata, and an empty entry falls back to the metadata's default (the all-zero account).
describe.runIf(HAS_FINNEY_METADATA)('Subtensor subnetOwner against mainnet metadata (spec 424)', () => {
  const env = useStandIn()

  function putOwner(netuid: number, account: string | Uint8Array): void {
    const { api } = env.chain
    const item = queryOf<Storable>(env.chain, 'subtensorModule', 'subnetOwnerHotkey')
    const type = api.registry.createLookupType(Number(item.creator.meta.type.asMap.value.toString()))
    env.standIn.storage.set(item.key(netuid), u8aToHex(api.createType(type, account).toU8a()))
  }

  it('is undefined while the storage is empty (the runtime default is the all-zero account)', async () => {
    expect(await env.chain.subnetOwner()).toBeUndefined()
  })

  it('is undefined when the entry holds the all-zero account explicitly', async () => {
    putOwner(NETUID, new Uint8Array(32))
    expect(await env.chain.subnetOwner()).toBeUndefined()
  })

  it("returns this subnet's owner hotkey as SS58, read fresh after a change, never another subnet's", async () => {
    putOwner(NETUID + 1, env.bob.ss58)
    expect(await env.chain.subnetOwner()).toBeUndefined()
    putOwner(NETUID, env.alice.ss58)
    expect(await env.chain.subnetOwner()).toBe(env.alice.ss58)
    putOwner(NETUID, env.bob.ss58)
    expect(await env.chain.subnetOwner()).toBe(env.bob.ss58)
    const other = await createSubtensorChain({ url: env.standIn.url, netuid: NETUID + 1 })
    try {
      expect(await other.subnetOwner()).toBe(env.bob.ss58)
    } finally {
      await other.close()
    }
  })

  it('the owner hotkey skips the stake gate in canSetWeights', async () => {
    const { api } = env.chain
    const reply = api.createType('Option<PalletSubtensorRpcInfoMetagraph>', {
      netuid: NETUID,
      hotkeys: [env.alice.ss58, env.bob.ss58],
      coldkeys: [env.alice.ss58, env.bob.ss58],
      active: [true, true],
      validatorPermit: [false, false],
      lastUpdate: [0, 0],
      blockAtRegistration: [0, 0],
      totalStake: [0n, 0n],
    })
    env.standIn.calls.set('SubnetInfoRuntimeApi_get_metagraph', u8aToHex(reply.toU8a()))
    const threshold = queryOf<Storable & { creator: { meta: { type: { asPlain: Codec } } } }>(
      env.chain,
      'subtensorModule',
      'stakeThreshold',
    )
    const u64 = api.registry.createLookupType(Number(threshold.creator.meta.type.asPlain.toString()))
    env.standIn.storage.set(threshold.key(), u8aToHex(api.createType(u64, 1000n).toU8a()))
    putOwner(NETUID, env.bob.ss58)
    expect(await env.chain.canSetWeights(env.bob.ss58)).toMatchObject({ stakeSufficient: true, validatorPermit: true })
    expect(await env.chain.canSetWeights(env.alice.ss58)).toMatchObject({
      stakeSufficient: false,
      validatorPermit: false,
    })
  })
})
