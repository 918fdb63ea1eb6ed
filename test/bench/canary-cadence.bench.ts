import { specFor } from './devnet-scale/cases.js'
import { caseRow } from './devnet-scale/rows.js'
import { runCase } from './devnet-scale/run-case.js'
import type { Bench, BenchRow } from './harness.js'

// Issue 10 item 4, before/after in one run. The devnet-scale stage breakdown put the time in the job queue:
// each validator evaluates one job at a time on shared cores, and with short cycles the canaries (expert and
// random reference policies, every cycle on every validator) took more policy starts than the miners' jobs
// (8 validators × 10 miners: about 100 canary policy starts for 30 jobs). Canaries now run on one cycle per
// `canaryIntervalBlocks` (300 by default, still every cycle when cycles are that long). Same case twice:
// `--canary-interval 1` (every cycle, the old behaviour) then the default.

const CASE = { validators: 8, miners: 10 } as const
const QUICK_CASE = { validators: 3, miners: 10 } as const

export const bench: Bench = {
  name: 'canary-cadence',
  description: 'devnet end to end with canaries every cycle (before) vs one cycle per 300 blocks (after)',
  about:
    'The devnet-scale case 8 validators × 10 miners (250 ms blocks, 40-block cycles, one episode of 20 steps), run twice in this process: first with `--canary-interval 1` (canaries on every cycle, as before the change), then with the node default (one cycle per 300 blocks). The speed-up column is the "before" median commit→first result divided by the row\'s own, so above 1 means faster.',
  columns: { 'speed-up ×': '"before" commit→result median ÷ this row’s (above 1: faster)' },
  async run({ scale }) {
    const c = scale < 1 ? QUICK_CASE : CASE
    const rows: BenchRow[] = []
    let before: number | undefined
    for (const [label, canaryInterval] of [
      ['before: canaries every cycle', 1],
      ['after: one cycle per 300 blocks', undefined],
    ] as const) {
      const spec = { ...specFor(c.validators, c.miners, 10, false), canaryInterval }
      console.error(`canary-cadence: ${label}`)
      const run = await runCase(spec, (l) => console.error(l))
      const row: BenchRow = { variant: label, ...caseRow(run, undefined) }
      delete row['result ×3v10m']
      const mine = Number(row['commit→result p50 s'])
      if (canaryInterval === 1 && run.outcome === 'complete') before = mine
      row['speed-up ×'] = before === undefined || !Number.isFinite(mine) ? 'n/a' : Number((before / mine).toFixed(2))
      rows.push(row)
    }
    return rows
  },
}
