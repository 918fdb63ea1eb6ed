import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevHub } from '#evaluator'
import { bootstrapSubnet, createStore, createValidatorNode, prepareValidator, type ValidatorNode } from '#node'
import { createDevChain, type DevChain, silentLogger } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { until } from '../../../../test/utils/until.js'

// `/health` says `chain-disconnected` when the node's chain stops delivering blocks (a stalled RPC node, or
// one that went away: the stream then fails at once), and connected again once blocks come back. Before,
// the flag was hard-wired to connected.
const STALE_MS = 1_500

interface HealthReport {
  healthy: boolean
  reasons: string[]
  chainConnected: boolean
}

describe('a validator node’s chain liveness on /health', () => {
  let tmp: TempDir
  let dev: DevChain
  let node: ValidatorNode
  let store: ReturnType<typeof createStore>

  const health = async (): Promise<{ status: number; body: HealthReport }> => {
    const res = await fetch(`${node.healthUrl()}/health`)
    return { status: res.status, body: (await res.json()) as HealthReport }
  }

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-chain-health-')
    // Blocks only when the test asks for them: a minute-long block time is a stalled chain.
    dev = await createDevChain({ path: tmp.file('chain.sqlite'), blockTimeMs: 60_000 })
    const hub = await startDevHub()
    const subnet = await bootstrapSubnet({ admin: dev.admin, chain: dev.client(1), netuid: 1, validators: 1, hub })
    await hub.stop()
    const v = subnet.validators[0] as (typeof subnet.validators)[number]
    const p = await prepareValidator({ netuid: 1, hotkey: v.hotkey, head: (await dev.client(1).head()).number })
    store = createStore({ path: tmp.file('v.sqlite') })
    node = createValidatorNode({
      chain: dev.client(1),
      hotkey: v.hotkey,
      nodeKey: p.nodeKey,
      store,
      mesh: { listen: [p.listen] },
      manifests: [subnet.manifest],
      aloneAllowed: true,
      chainStaleMs: STALE_MS,
      health: { port: 0 },
      logger: silentLogger,
    })
    await node.start()
  }, 120_000)

  afterAll(async () => {
    await node?.stop().catch(() => {})
    store?.close()
    await dev?.close().catch(() => {})
    tmp?.cleanup()
  })

  it('is connected while blocks arrive, disconnected when they stop, connected again when they resume', async () => {
    await dev.admin.advance(1)
    expect((await health()).body.chainConnected).toBe(true)
    // No block for longer than the stale limit: a stalled chain.
    const stalled = await until('the node to call the chain stale', async () => {
      const h = await health()
      return h.body.chainConnected ? undefined : h
    })
    expect(stalled.status).toBe(503)
    expect(stalled.body.reasons).toContain('chain-disconnected')
    await dev.admin.advance(1)
    await until('blocks to bring the chain back', async () => (await health()).body.chainConnected)
  }, 60_000)
})
