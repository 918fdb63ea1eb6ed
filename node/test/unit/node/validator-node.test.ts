import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ValidatorNode } from '#node'
import { createLogger, silentLogger } from '#protocol'
import { type InProcessSubnet, startInProcessSubnet } from '../../../../test/utils/in-process-subnet.js'
import { until as untilWith } from '../../../../test/utils/until.js'

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 90_000) =>
  untilWith(what, probe, { timeoutMs, intervalMs: 200 })

const LIGHT = 3
const logger = process.env.KINITRO_TEST_LOG
  ? createLogger({ level: process.env.KINITRO_TEST_LOG as 'info' })
  : silentLogger

describe('three validator nodes and a light node in one process, real mesh, dev chain and sample miners', () => {
  let net: InProcessSubnet
  let dev: InProcessSubnet['dev']
  let subnet: InProcessSubnet['subnet']
  let nodes: InProcessSubnet['nodes']
  let stores: InProcessSubnet['stores']

  beforeAll(async () => {
    net = await startInProcessSubnet({
      name: 'node',
      validators: 4,
      subnet: { episodesPerTask: 2, maxSteps: 80, cycleLengthBlocks: 40 },
      // The fourth is a light node: it verifies and sets weights but evaluates nothing.
      evaluates: (i) => i !== LIGHT,
      node: (i, sub) => ({
        manifests: i === 0 ? [sub.manifest] : [],
        weights: { intervalBlocks: 10 },
        health: false,
      }),
      logger,
    })
    ;({ dev, subnet, nodes, stores } = net)
  }, 120_000)

  afterAll(() => net?.stop())

  it('spreads the manifest, evaluates every miner on every validator, and agrees on weights', async () => {
    await until('manifest everywhere', () => nodes.every((n) => n.status().manifests === 1))
    // 2 miners × 3 replicas: every node evaluates both jobs.
    const full = nodes.filter((_, i) => i !== LIGHT)
    await until('results', () => full.every((n) => n.status().queue.done === 2), 180_000)
    await until('all results everywhere', () => nodes.every((n) => resultsIn(n) === 6), 60_000)
    expect(nodes[LIGHT]?.status().light).toBe(true)
    expect(nodes[LIGHT]?.status().queue.done ?? -1).toBe(0)
    // A node may set weights once from results that were still arriving (the interval is 10 blocks); the
    // next update recomputes from everything. Agreement is the property: wait for every node's latest vector
    // to be the same one, the light node's (computed from the signed results alone) included.
    const w = await until(
      'the same weights on every node',
      () => {
        const ws = nodes.map((n) => n.status().weights?.lastWeights)
        if (!ws.every((x) => x != null)) return undefined
        return new Set(ws.map((x) => JSON.stringify(x))).size === 1 ? ws : undefined
      },
      120_000,
    )
    const expert = subnet.miners.find((m) => m.policy === 'expert')
    const uid = (await dev.client(1).metagraph()).neurons.find((n) => n.hotkey === expert?.hotkey.ss58)?.uid
    const vector = w[0] as { uids: number[]; weights: number[] }
    expect(vector.weights[vector.uids.indexOf(uid as number)]).toBe(65535)
  }, 300_000)

  function resultsIn(n: ValidatorNode): number {
    return (
      stores[nodes.indexOf(n)]?.log.range({ topic: 'results', fromBlock: 0, toBlock: 1e12, limit: 100 }).entries
        .length ?? 0
    )
  }
})
