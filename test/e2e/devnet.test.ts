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
      const expertUid = Number(/^miner expert\s+uid (\d+)/mu.exec(out)?.[1] ?? Number.NaN)
      expect(Number.isInteger(expertUid), out).toBe(true)
      // Every validator's final row gives the whole weight to one uid, and all three agree.
      const last = dn.lines.slice(dn.lines.findIndex((l) => l.includes('first cycle complete')) + 1)
      expect(last).toHaveLength(3)
      for (const row of last) expect(row).toContain(` ${expertUid}:65535`)
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
