import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevHub, evaluatorConfigSchema, startDevHub } from '#evaluator'
import {
  bootstrapSubnet,
  createEvaluation,
  createStore,
  createValidatorNode,
  type DevSubnet,
  prepareValidator,
  type Store,
  type ValidatorNode,
} from '#node'
import { createDevChain, createLogger, type DevChain, silentLogger } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const LIGHT = 3
const logger = process.env.KINITRO_TEST_LOG
  ? createLogger({ level: process.env.KINITRO_TEST_LOG as 'info' })
  : silentLogger

describe('three validator nodes and a light node in one process, real mesh, dev chain and sample miners', () => {
  let tmp: TempDir
  let dev: DevChain
  let hub: DevHub
  let subnet: DevSubnet
  const nodes: ValidatorNode[] = []
  const stores: Store[] = []

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-node-')
    dev = await createDevChain({ path: tmp.file('chain.sqlite'), blockTimeMs: 250 })
    hub = await startDevHub()
    const chain = dev.client(1)
    subnet = await bootstrapSubnet({
      admin: dev.admin,
      chain,
      netuid: 1,
      validators: 4,
      hub,
      episodesPerTask: 2,
      maxSteps: 80,
      cycleLengthBlocks: 40,
    })
    const head = (await chain.head()).number
    const prepared = await Promise.all(
      subnet.validators.map((v) => prepareValidator({ netuid: 1, hotkey: v.hotkey, head })),
    )
    const config = evaluatorConfigSchema.parse({ fetch: { hubUrl: hub.url, allowInsecureHttp: true } })
    for (const [i, v] of subnet.validators.entries()) {
      const store = createStore({ path: tmp.file(`v${i}.sqlite`) })
      stores.push(store)
      const p = prepared[i] as (typeof prepared)[number]
      nodes.push(
        createValidatorNode({
          chain: dev.client(1),
          hotkey: v.hotkey,
          nodeKey: p.nodeKey,
          store,
          // The fourth is a light node: it verifies and sets weights but evaluates nothing.
          ...(i === LIGHT ? {} : { evaluation: createEvaluation({ config, dataDir: join(tmp.dir, `v${i}`), logger }) }),
          mesh: {
            listen: [p.listen],
            peerRecords: prepared.filter((_, j) => j !== i).map((q) => q.record),
            bootstrap: prepared.filter((_, j) => j < i).map((q) => q.dialAddr),
          },
          manifests: i === 0 ? [subnet.manifest] : [],
          weights: { intervalBlocks: 10 },
          health: false,
          logger: logger.child(`v${i}`),
        }),
      )
    }
    for (const n of nodes) await n.start()
  }, 120_000)

  afterAll(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    for (const s of stores) s.close()
    await hub?.stop()
    await dev?.close()
    tmp?.cleanup()
  })

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
