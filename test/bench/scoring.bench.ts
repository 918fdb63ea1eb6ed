import {
  calculateThreshold,
  computeWeights,
  mulberry32,
  type ScoringInput,
  subsetWinners,
  type ValidatorResult,
} from '#protocol'
import { type Bench, type BenchRow, fmt, measure } from './harness.js'

// computeWeights end to end (validation, digest, median aggregation, strategy, u16) on synthetic subnets:
// k environments × n miners, 3 validators each reporting every (miner, env). Rates are random in
// [0.3, 0.9) as in the reference's test-scoring; blocks 1000 + 100·i.
const VALIDATORS = 3
const SIZES: Array<[k: number, n: number]> = [
  [3, 64],
  [3, 256],
  [6, 64],
  [6, 256],
  [10, 64],
  [10, 256],
]

function subnet(k: number, n: number, strategy: string, seed = 1): ScoringInput {
  const rand = mulberry32(seed)
  const envIds = Array.from({ length: k }, (_, j) => `env_${j}`)
  const results: ValidatorResult[] = []
  for (let i = 0; i < n; i++) {
    for (const envId of envIds) {
      const rate = 0.3 + 0.6 * rand()
      for (let v = 0; v < VALIDATORS; v++) {
        const successRate = Math.min(1, Math.round((rate + (rand() - 0.5) * 0.04) * 50) / 50)
        results.push({
          validator: `v${v}`,
          stake: 100 + v,
          miner: `m${i}`,
          competitionId: 'c',
          envId,
          successRate,
          episodes: 50,
          avgReward: successRate,
        })
      }
    }
  }
  return {
    competitions: [{ id: 'c', strategy, envIds, params: strategy === 'kinitro-wta-v0' ? { minSuccessRate: 0.5 } : {} }],
    commitments: Array.from({ length: n }, (_, i) => ({ hotkey: `m${i}`, block: 1000 + 100 * i })),
    results,
    metagraph: Array.from({ length: n }, (_, i) => ({ uid: i, hotkey: `m${i}` })),
  }
}

/**
 * The reference's subset scan (kinitro.md D.2 step 4) on plain arrays: for each subset, candidates in
 * (block, uid) order, each checked pairwise against every other miner. The baseline for the bitmask engine.
 */
function referenceScan(scores: number[][], thr: number[][], blocks: number[], k: number): Int32Array {
  const n = scores.length
  const winners = new Int32Array(1 << k).fill(-1)
  for (let s = 1; s < 1 << k; s++) {
    const envs = Array.from({ length: k }, (_, j) => j).filter((j) => s & (1 << j))
    for (let c = 0; c < n && winners[s] === -1; c++) {
      let ok = true
      for (let o = 0; o < n && ok; o++) {
        if (o === c) continue
        const cEarlier = (blocks[c] as number) <= (blocks[o] as number)
        const [e, l] = cEarlier ? [c, o] : [o, c]
        const wins = envs.filter((j) => (scores[l]?.[j] as number) > (thr[e]?.[j] as number)).length
        ok = cEarlier ? wins < envs.length : wins === envs.length
      }
      if (ok) winners[s] = c
    }
  }
  return winners
}

function winnersCase(k: number, n: number) {
  const rand = mulberry32(k * 1000 + n)
  const scores = Array.from({ length: n }, () => Array.from({ length: k }, () => 0.3 + 0.6 * rand()))
  const thr = scores.map((row) => row.map((p) => calculateThreshold(p, 50)))
  const blocks = Array.from({ length: n }, (_, i) => 1000 + 100 * i)
  const beats = new Uint32Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let m = 0
      for (let b = 0; b < k; b++) if (i !== j && (scores[i]?.[b] as number) > (thr[j]?.[b] as number)) m |= 1 << b
      beats[i * n + j] = m
    }
  }
  const contenders = blocks.map((block, uid) => ({ block, uid }))
  return {
    engine: () => subsetWinners(contenders, beats, k),
    reference: () => referenceScan(scores, thr, blocks, k),
  }
}

/** Median milliseconds per computeWeights call. */
async function medianMs(input: ScoringInput, repeats: number, ops: number): Promise<{ ms: number; p99: number }> {
  const m = await measure({ ops, repeats, setup: () => () => computeWeights(input) })
  return { ms: 1000 / m.opsPerSec, p99: (m.p99Us ?? 0) / 1000 }
}

export const bench: Bench = {
  name: 'scoring',
  description: 'computeWeights median ms per call, k envs × n miners × 3 validators (ratio vs k=3, n=64)',
  about:
    "computeWeights end to end (validation, digest, median aggregation, strategy, u16 weights) on synthetic subnets of k environments × n miners with 3 validators. ratioVsBaseline is the cost relative to the smallest case (k=3, n=64), i.e. how it scales. The 'subset winners only' rows compare our bitmask engine with the reference system's subset scan on the same inputs (same answers checked).",
  columns: {
    ratioVsBaseline: "median ms ÷ the k=3, n=64 case's median ms (scaling, lower is better)",
    speedup: 'reference scan ms ÷ our engine ms (higher is better)',
  },
  async run(opts) {
    const rows: BenchRow[] = []
    const ops = Math.max(2, Math.round(20 * opts.scale))
    // Warm every code path first (JIT, zod's compiled checks), so the baseline row is not the cold one.
    for (const [k, n] of SIZES) for (let i = 0; i < 3; i++) computeWeights(subnet(k, n, 'kinitro-subset-v1'))
    let baseline = 0
    for (const strategy of ['kinitro-subset-v1', 'kinitro-subset-v2', 'kinitro-wta-v0']) {
      const sizes = strategy === 'kinitro-subset-v1' ? SIZES : SIZES.filter(([k, n]) => k === 10 && n === 256)
      for (const [k, n] of sizes) {
        const input = subnet(k, n, strategy)
        computeWeights(input)
        const { ms, p99 } = await medianMs(input, opts.repeats, ops)
        if (baseline === 0) baseline = ms
        rows.push({
          strategy,
          envs: k,
          miners: n,
          results: input.results.length,
          subsets: 2 ** k - 1,
          medianMs: fmt(ms, 2),
          p99Ms: fmt(p99, 2),
          ratioVsBaseline: fmt(ms / baseline, 1),
        })
        process.stderr.write(`scoring ${strategy} k=${k} n=${n}: ${ms.toFixed(2)} ms\n`)
      }
    }
    // Subset winners alone: our bitmask engine against the reference's scan, same inputs, same answers.
    for (const [k, n] of SIZES.filter(([k]) => k >= 6)) {
      const c = winnersCase(k, n)
      if (c.engine().join() !== c.reference().join()) throw new Error(`engine and scan disagree at k=${k} n=${n}`)
      const time = async (fn: () => unknown) => {
        const m = await measure({
          ops: Math.max(2, Math.round(5 * opts.scale)),
          repeats: opts.repeats,
          setup: () => fn,
        })
        return 1000 / m.opsPerSec
      }
      const engineMs = await time(c.engine)
      const scanMs = await time(c.reference)
      rows.push({
        strategy: 'subset winners only',
        envs: k,
        miners: n,
        subsets: 2 ** k - 1,
        engineMs: fmt(engineMs, 3),
        referenceScanMs: fmt(scanMs, 2),
        speedup: fmt(scanMs / engineMs, 0),
      })
      process.stderr.write(
        `subset winners k=${k} n=${n}: engine ${engineMs.toFixed(3)} ms, scan ${scanMs.toFixed(2)} ms\n`,
      )
    }
    return rows
  },
}
