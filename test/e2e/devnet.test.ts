import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStore, storedResults } from '#node'
import { spawnTs } from '../utils/spawn.js'
import { makeTempDir } from '../utils/temp-dir.js'

// `kinitro devnet` as a user runs it (issue 6 item 6): dev chain, sample miners, three node processes.
// `--exit-after-weights` ends it once the first cycle is evaluated and every validator has set weights.
// Opt-in (KINITRO_E2E_DEVNET=1): in the full parallel suite on 2 cores it ran past its 10-minute guard
// once in CI while validator-mesh.test.ts ran 5 more nodes; alone it passes. The multi-process node
// behaviour itself is covered by validator-mesh.test.ts in every run.
describe.skipIf(process.env.KINITRO_E2E_DEVNET !== '1')('kinitro devnet', () => {
  it('completes an evaluation cycle and every validator sets weights that favour the expert', async () => {
    const tmp = makeTempDir('kinitro-devnet-')
    try {
      const dn = spawnTs('cli/main.ts', [
        'devnet',
        '--fresh',
        '--data-dir',
        tmp.dir,
        '--block-ms',
        '500',
        '--cycle-blocks',
        '40',
        // The mediocre reach specialist commits before the expert and keeps reach by the first-commit rule;
        // the expert takes push and button-press: weights rank expert > mediocre > random.
        '--miners',
        'random,mediocre,expert',
        '--tasks',
        'mujoco/reach-v1,mujoco/push-v1,mujoco/button-press-v1',
        '--exit-after-weights',
        '--timeout',
        '560',
      ])
      // Our own deadline below vitest's, so a hung devnet is killed (its nodes follow: stdin closes).
      const guard = setTimeout(() => void dn.crash(), 600_000)
      const { code } = await dn.exited
      clearTimeout(guard)
      const out = dn.lines.join('\n')
      expect(code, `${out}\n${dn.stderr()}`).toBe(0)
      const uidOf = (policy: string) => Number(new RegExp(`^miner ${policy}\\s+uid (\\d+)`, 'mu').exec(out)?.[1])
      const [expert, mediocre, random] = ['expert', 'mediocre', 'random'].map(uidOf) as [number, number, number]
      for (const uid of [expert, mediocre, random]) expect(Number.isInteger(uid), out).toBe(true)
      // Every validator's row ranks expert > mediocre > random: the mediocre miner committed before the expert
      // and keeps the reach task by the first-commit rule; the expert takes push and button-press.
      const complete = dn.lines.findIndex((l) => l.includes('first cycle complete'))
      const rows = dn.lines.slice(complete + 1, complete + 4)
      expect(rows, out).toHaveLength(3)
      for (const row of rows) {
        const w = new Map([...row.matchAll(/(\d+):(\d+)/gu)].map((m) => [Number(m[1]), Number(m[2])]))
        expect(w.get(expert), row).toBe(65535)
        expect(w.get(expert) ?? 0, row).toBeGreaterThan(w.get(mediocre) ?? 0)
        expect(w.get(mediocre) ?? 0, row).toBeGreaterThan(w.get(random) ?? 0)
      }
      // The indexer's leaderboard (printed from its REST API) has the same order.
      const board = dn.lines.slice(dn.lines.findIndex((l) => l.startsWith('leaderboard ')) + 1, complete + 8)
      const ranked = board.map((l) => Number(/^\s+\d+\. uid (\d+)/u.exec(l)?.[1])).filter(Number.isInteger)
      expect(ranked.slice(0, 3), out).toEqual([expert, mediocre, random])
      // The expert's results are in every node's signed log (what the weights came from).
      for (const i of [0, 1, 2]) {
        const db = join(tmp.dir, `validator-${i}`, 'node.sqlite')
        expect(existsSync(db)).toBe(true)
        const store = createStore({ path: db })
        try {
          const results = storedResults(store, 1)
          expect(results.some((r) => r.result.summary?.successes === r.result.summary?.episodes)).toBe(true)
          expect(new Set(results.map((r) => r.validator)).size).toBe(3)
        } finally {
          store.close()
        }
      }
    } finally {
      tmp.cleanup()
    }
  }, 660_000)
})
