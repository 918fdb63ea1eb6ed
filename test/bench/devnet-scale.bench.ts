import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { byLoad, parseCases, STAGE_CASE, specFor } from './devnet-scale/cases.js'
import { mergeWithPrevious, type PreviousRun } from './devnet-scale/merge.js'
import { caseRow, scalingPlots, stagesOf } from './devnet-scale/rows.js'
import { type CaseRun, runCase } from './devnet-scale/run-case.js'
import { type Bench, type BenchOutput, type BenchRow, fmt, report } from './harness.js'

// End to end on the devnet (issue 10 item 3): `kinitro devnet` with 3/5/8 validator processes and 10/50/200
// sample miners, one case at a time, lightest first. Per miner: commitment → first signed result (any
// validator, as the indexer received it) and → the first chain weights update after it; per process kind:
// CPU seconds and peak RSS from /proc. See devnet-scale/README.md. Env: DEVNET_SCALE_CASES="3x10,5x50"
// picks cases, DEVNET_SCALE_CAP_MIN caps each case's hard timeout (default 20 min).

/** The previous full run's figures, when only some cases are rerun (DEVNET_SCALE_CASES). */
function previousRun(dir: string): PreviousRun | undefined {
  const file = join(dir, 'devnet-scale.json')
  if (process.env.DEVNET_SCALE_CASES === undefined || !existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as PreviousRun
}

function output(runs: CaseRun[], rows: BenchRow[], stages: BenchRow[] | undefined): BenchOutput {
  const notes = [
    'Seconds are wall time on this machine with every process (chain, validators, indexer, policies) on its cores; blocks are 250 ms.',
    '"commit→weights" is the first on-chain weights update (any validator) at a block after the miner\'s first result; "commit→weight>0" is when the miner first has a non-zero weight in a chain weights row (read every second, so up to 4 blocks late); "miners weighted >0" counts the miners that got there.',
    'Validator CPU includes the policy processes it ran (reaped children); policy rows count only live samples, a lower bound.',
  ]
  if (stages !== undefined) {
    const c = stages[0]?.case ?? ''
    notes.push(
      `Stage breakdown (${c}), median/p90 s over results: ${stages.map((s) => `${s.stage}: ${s['p50 s']}/${s['p90 s']} (n ${s.n})`).join('; ')}`,
    )
  }
  return { rows, plots: scalingPlots(runs), notes }
}

/** End-to-end scaling of the devnet: commitment → first result → weights, with CPU and memory per process. */
export const bench: Bench = {
  name: 'devnet-scale',
  description: 'devnet end to end: commitment → first result → weights, 3/5/8 validators × 10/50/200 miners',
  about:
    'Each case starts `kinitro devnet` (embedded dev chain at 250 ms blocks, one task, one episode of 20 steps, short cycles, weights every 4 blocks) with N validator processes and M miners that are copies of the random sample policy, published through the miner CLI path. Per miner: commitment (its block, and the wall time the devnet published it) → the first signed result on any validator (the result\'s block, as the indexer received it) → the first chain weights update after that block; median and p90 over miners, in seconds and blocks. The cycle time runs to the devnet\'s "first cycle complete" (every node evaluated its jobs, then every validator set weights). CPU seconds and peak RSS per process come from /proc. There is no external baseline: the ratio column compares each case with 3 validators × 10 miners in the same run.',
  columns: {
    'result ×3v10m': 'commit→result median of this case ÷ that of 3 validators × 10 miners in the same run',
    'bootstrap s': 'devnet start → nodes launched (chain, subnet, publishing every miner)',
  },
  async run({ scale }) {
    const quick = scale < 1
    const capMin = Number(process.env.DEVNET_SCALE_CAP_MIN ?? 20)
    const wanted = quick ? [{ validators: 3, miners: 10 }] : parseCases(process.env.DEVNET_SCALE_CASES)
    const stageCase = quick ? wanted[0] : STAGE_CASE
    const dir = quick ? 'bench/results/quick' : 'bench/results'
    const previous = previousRun(dir)
    const runs: CaseRun[] = []
    const rows: BenchRow[] = []
    let stages: BenchRow[] | undefined
    let baseline: number | undefined
    for (const c of byLoad(wanted)) {
      const withStages = c.validators === stageCase?.validators && c.miners === stageCase.miners
      const spec = specFor(c.validators, c.miners, capMin, withStages)
      console.error(`devnet-scale: ${c.validators} validators × ${c.miners} miners (hard timeout ${spec.timeoutSec} s)`)
      const run = await runCase(spec, (l) => console.error(l))
      runs.push(run)
      const row = caseRow(run, baseline)
      if (c.validators === 3 && c.miners === 10 && run.outcome === 'complete') {
        baseline = Number(row['commit→result p50 s'])
        row['result ×3v10m'] = 1
      }
      rows.push(row)
      console.error(`  ${row.status}; commit→result p50 ${row['commit→result p50 s']} s`)
      if (run.outcome !== 'complete') console.error(run.stderrTail.slice(-600))
      if (withStages) {
        stages = stagesOf(run).map((s) => ({
          case: row.case as string,
          stage: s.stage,
          n: s.n,
          'p50 s': fmt(s.medianSec, 2),
          'p90 s': fmt(s.p90Sec, 2),
        }))
        console.table(stages)
      }
      // Keep what finished: a matrix stopped halfway still leaves its rows and the raw traces.
      const out = mergeWithPrevious(output(runs, rows, stages), previous)
      report(bench, out, { repeats: 1, scale }, dir)
      const detailDir = join(dir, 'devnet-scale')
      mkdirSync(detailDir, { recursive: true })
      writeFileSync(
        join(detailDir, 'detail.json'),
        `${JSON.stringify(
          {
            stages,
            cases: runs.map((r) => ({
              spec: r.spec,
              outcome: r.outcome,
              traces: r.traces,
              usage: r.usage,
              clock: r.clock,
              updateBlocks: r.updateBlocks,
            })),
          },
          null,
          2,
        )}\n`,
      )
    }
    return mergeWithPrevious(output(runs, rows, stages), previous)
  },
}
