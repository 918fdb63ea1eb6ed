import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ValidatorNode } from '#node'
import type { DevChain } from '#protocol'
import { type InProcessSubnet, startInProcessSubnet } from '../../../../test/utils/in-process-subnet.js'
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
  let net: InProcessSubnet
  let dev: DevChain
  let node: ValidatorNode

  const health = async (): Promise<{ status: number; body: HealthReport }> => {
    const res = await fetch(`${node.healthUrl()}/health`)
    return { status: res.status, body: (await res.json()) as HealthReport }
  }

  beforeAll(async () => {
    net = await startInProcessSubnet({
      name: 'chain-health',
      validators: 1,
      // Blocks only when the test asks for them: a minute-long block time is a stalled chain.
      blockTimeMs: 60_000,
      evaluates: () => false,
      node: (_, subnet) => ({
        manifests: [subnet.manifest],
        aloneAllowed: true,
        chainStaleMs: STALE_MS,
        health: { port: 0 },
      }),
    })
    dev = net.dev
    node = net.nodes[0] as ValidatorNode
  }, 120_000)

  afterAll(() => net?.stop())

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
