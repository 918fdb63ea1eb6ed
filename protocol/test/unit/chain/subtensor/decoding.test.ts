import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'
import { describe, expect, it } from 'vitest'
import { HAS_FINNEY_METADATA, NETUID, queryOf, useStandIn } from './helpers.js'

interface Storable {
  key: (...args: unknown[]) => string
  creator: { meta: { type: { isMap: boolean; asMap: { value: Codec }; asPlain: Codec } } }
}

// Storage values are built from the runtime's own types and served as raw hex; the adapter must decode them.
describe.runIf(HAS_FINNEY_METADATA)('Subtensor decoding against mainnet metadata (spec 424)', () => {
  const env = useStandIn()

  function put(item: Storable, args: unknown[], value: unknown): void {
    const { api } = env.chain
    const t = item.creator.meta.type
    const typeId = t.isMap ? t.asMap.value : t.asPlain
    const type = api.registry.createLookupType(Number(typeId.toString()))
    // toU8a, not toHex: polkadot-js renders integers' toHex big-endian, not as SCALE.
    env.standIn.storage.set(item.key(...args), u8aToHex(api.createType(type, value).toU8a()))
  }

  const commitmentOf = (): Storable => queryOf<Storable>(env.chain, 'commitments', 'commitmentOf')
  const sm = (name: string): Storable => queryOf<Storable>(env.chain, 'subtensorModule', name)

  it('decodes a Raw commitment read by hotkey', async () => {
    const data = new TextEncoder().encode('miner-a')
    put(commitmentOf(), [NETUID, env.alice.ss58], { deposit: 0, block: 1234, info: { fields: [{ Raw7: data }] } })
    const entry = await env.chain.commitment(env.alice.ss58)
    expect(entry).toEqual({ hotkey: env.alice.ss58, block: 1234, data, field: 'raw' })
  })

  it('decodes a BigRaw commitment and lists all commitments of the subnet by prefix scan', async () => {
    const big = new Uint8Array(300).fill(7)
    put(commitmentOf(), [NETUID, env.bob.ss58], {
      deposit: 0,
      block: 99,
      info: { fields: [{ BigRaw: u8aToHex(big) }] },
    })
    // another subnet's commitment must not show up
    put(commitmentOf(), [NETUID + 1, env.bob.ss58], { deposit: 0, block: 5, info: { fields: [{ Raw1: [1] }] } })
    const all = await env.chain.commitments()
    expect(all.map((e) => [e.hotkey, e.block, e.field, e.data.length])).toEqual(
      [
        [env.alice.ss58, 1234, 'raw', 7],
        [env.bob.ss58, 99, 'big-raw', 300],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    )
    expect(all.find((e) => e.hotkey === env.bob.ss58)?.data).toEqual(big)
  })

  it('returns undefined for a hotkey without a commitment', async () => {
    const charlie = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y'
    expect(await env.chain.commitment(charlie)).toBeUndefined()
  })

  it('decodes the typed metagraph runtime-API reply into neurons', async () => {
    const { api } = env.chain
    const reply = api.createType('Option<PalletSubtensorRpcInfoMetagraph>', {
      netuid: NETUID,
      hotkeys: [env.alice.ss58, env.bob.ss58],
      coldkeys: [env.bob.ss58, env.alice.ss58],
      active: [true, false],
      validatorPermit: [true, false],
      lastUpdate: [10, 0],
      blockAtRegistration: [3, 4],
      totalStake: [5_000_000_000n, 12n],
    })
    env.standIn.calls.set('SubnetInfoRuntimeApi_get_metagraph', u8aToHex(reply.toU8a()))
    const mg = await env.chain.metagraph()
    expect(mg.netuid).toBe(NETUID)
    expect(mg.block).toBe(env.standIn.head)
    expect(mg.neurons).toEqual([
      {
        uid: 0,
        hotkey: env.alice.ss58,
        coldkey: env.bob.ss58,
        stake: 5_000_000_000n,
        validatorPermit: true,
        active: true,
        lastUpdate: 10,
        blockAtRegistration: 3,
      },
      {
        uid: 1,
        hotkey: env.bob.ss58,
        coldkey: env.alice.ss58,
        stake: 12n,
        validatorPermit: false,
        active: false,
        lastUpdate: 0,
        blockAtRegistration: 4,
      },
    ])
  })

  it('reads hyperparameters, falling back to the runtime defaults for unset items', async () => {
    put(sm('tempo'), [NETUID], 10)
    put(sm('weightsVersionKey'), [NETUID], 7n)
    put(sm('commitRevealWeightsEnabled'), [NETUID], false)
    put(sm('weightsSetRateLimit'), [NETUID], 3n)
    put(sm('stakeThreshold'), [], 1000n)
    const hp = await env.chain.hyperparameters()
    expect(hp).toMatchObject({
      tempo: 10,
      weightsVersionKey: 7n,
      commitRevealEnabled: false,
      weightsRateLimit: 3,
      stakeThreshold: 1000n,
      // defaults from the metadata (u16::MAX = no limit)
      maxWeightLimit: 65535,
    })
  })

  it('reads the weights rows by setter uid', async () => {
    put(
      sm('weights'),
      [NETUID, 0],
      [
        [0, 65535],
        [1, 100],
      ],
    )
    put(sm('weights'), [NETUID, 1], [[1, 65535]])
    const rows = await env.chain.weights()
    expect([...rows.entries()]).toEqual([
      [
        0,
        [
          [0, 65535],
          [1, 100],
        ],
      ],
      [1, [[1, 65535]]],
    ])
  })

  it('reports eligibility from metagraph and hyperparameters', async () => {
    const elig = await env.chain.canSetWeights(env.alice.ss58)
    expect(elig).toMatchObject({ registered: true, uid: 0, validatorPermit: true, stakeSufficient: true })
    // lastUpdate 10 + rate limit 3 is long past at head 0? head is 0 here, so 10 + 3 - 1 blocks remain
    expect(elig.blocksUntilAllowed).toBe(10 + 3 - (env.standIn.head + 1))
    const bob = await env.chain.canSetWeights(env.bob.ss58)
    expect(bob).toMatchObject({ registered: true, stakeSufficient: false, validatorPermit: false })
    const stranger = await env.chain.canSetWeights('5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y')
    expect(stranger.registered).toBe(false)
  })
})
