import { describe, expect, it } from 'vitest'
import { createDevChain, type ReplicaResult, silentLogger } from '#protocol'
import { createScores } from '../../../src/scores/service.js'

// A snapshot counts results the observer accepted in memory; the API lists results from the store, which a
// batch writer fills a moment later. The service reads the results, then waits for `settle` (the indexer
// flushes its writer) before it computes, so a score never names results the API cannot list yet (seen: a
// miner scored with episodes while its jobs showed no results).
describe('the scores service settles the store before it scores', () => {
  it('reads the results, awaits settle, then computes', async () => {
    const dev = await createDevChain({ blockTimeMs: 0 })
    const chain = dev.client(1)
    const order: string[] = []
    let release: () => void = () => {}
    try {
      const scores = createScores({
        chain,
        manifests: () => [],
        metagraph: () => ({ block: 0, neurons: [] }) as never,
        head: () => 0,
        results: (): ReplicaResult[] => {
          order.push('results')
          return []
        },
        settle: () => {
          order.push('settle')
          return new Promise<void>((r) => {
            release = r
          })
        },
        logger: silentLogger,
      })
      let done = false
      const computing = scores.compute().then((s) => {
        done = true
        return s
      })
      await new Promise((r) => setTimeout(r, 50))
      expect(order).toEqual(['results', 'settle'])
      expect(done).toBe(false)
      release()
      expect(await computing).toBeDefined()
      scores.stop()
    } finally {
      await chain.close()
      await dev.close()
    }
  })
})
