import { median, percentile } from '../harness.js'
import type { ProcessKind, ProcUsage } from './proc.js'

/** A head seen by the bench at wall time `at` (ms): the map from block numbers to seconds. */
export interface BlockSample {
  block: number
  at: number
}

/**
 * Wall time (ms) at which `block` was produced, interpolated between the bench's head samples. Blocks
 * before the first sample date to that sample (an upper bound; the bench samples from the banner on, when
 * nodes start), blocks after the last extrapolate at `blockMs`.
 */
export function blockTime(samples: readonly BlockSample[], block: number, blockMs: number): number {
  const first = samples[0]
  if (first === undefined) return Number.NaN
  if (block <= first.block) return first.at
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i] as BlockSample
    if (b.block < block) continue
    const a = samples[i - 1] as BlockSample
    return b.block === a.block ? b.at : a.at + ((block - a.block) / (b.block - a.block)) * (b.at - a.at)
  }
  const last = samples[samples.length - 1] as BlockSample
  return last.at + (block - last.block) * blockMs
}

/** One miner's path through a cycle; absent fields: the run ended before that point. */
export interface MinerTrace {
  hotkey: string
  commitBlock: number
  /** Wall time the commitment was made (the devnet's `miner-published` event), ms. */
  commitAt: number
  /** Block of the first signed result for this miner, on any validator. */
  firstResultBlock?: number
  /** First on-chain weights update (any validator) at a block after the first result. */
  weightsBlock?: number
  /**
   * Head block when the bench first saw the miner with a non-zero weight in a chain weights row (polled
   * every second: up to 4 blocks late).
   */
  nonZeroBlock?: number
}

/** Block and second latencies of one stage, over miners. */
export interface Spread {
  n: number
  medianBlocks: number
  p90Blocks: number
  medianSec: number
  p90Sec: number
}

function spread(blocks: number[], secs: number[]): Spread {
  const b = [...blocks].sort((x, y) => x - y)
  const s = [...secs].sort((x, y) => x - y)
  return {
    n: b.length,
    medianBlocks: b.length === 0 ? Number.NaN : median(b),
    p90Blocks: percentile(b, 90),
    medianSec: s.length === 0 ? Number.NaN : median(s),
    p90Sec: percentile(s, 90),
  }
}

/** Commitment → first result and commitment → weights, median and p90 over the miners that got there. */
export function minerLatencies(
  traces: readonly MinerTrace[],
  clock: readonly BlockSample[],
  blockMs: number,
): { toResult: Spread; toWeights: Spread; toNonZero: Spread; nonZeroWeight: number } {
  const at = (block: number) => blockTime(clock, block, blockMs)
  const res = traces.filter((t) => t.firstResultBlock !== undefined)
  const wts = traces.filter((t) => t.weightsBlock !== undefined)
  const nz = traces.filter((t) => t.nonZeroBlock !== undefined)
  return {
    toResult: spread(
      res.map((t) => (t.firstResultBlock as number) - t.commitBlock),
      res.map((t) => (at(t.firstResultBlock as number) - t.commitAt) / 1000),
    ),
    toWeights: spread(
      wts.map((t) => (t.weightsBlock as number) - t.commitBlock),
      wts.map((t) => (at(t.weightsBlock as number) - t.commitAt) / 1000),
    ),
    toNonZero: spread(
      nz.map((t) => (t.nonZeroBlock as number) - t.commitBlock),
      nz.map((t) => (at(t.nonZeroBlock as number) - t.commitAt) / 1000),
    ),
    nonZeroWeight: nz.length,
  }
}

/** The first weights update strictly after `block`, from the blocks at which validators set weights. */
export function firstUpdateAfter(updates: readonly number[], block: number): number | undefined {
  let best: number | undefined
  for (const u of updates) if (u > block && (best === undefined || u < best)) best = u
  return best
}

/** Per process kind: how many, median CPU seconds and median peak RSS (MiB) per process. */
export interface KindUsage {
  kind: ProcessKind
  processes: number
  medianCpuSec: number
  totalCpuSec: number
  medianPeakRssMiB: number
}

/**
 * Fold per-process usage into per-kind medians. A validator's CPU includes the policy processes it reaped
 * (`childCpuSec`); the `policy` row counts only what was sampled while they ran, so it is a lower bound
 * and is not added to the validators'.
 */
export function usageByKind(usage: readonly ProcUsage[]): KindUsage[] {
  const kinds: ProcessKind[] = ['devnet', 'validator', 'indexer', 'policy']
  return kinds.flatMap((kind) => {
    const ps = usage.filter((u) => u.kind === kind)
    if (ps.length === 0) return []
    const cpu = ps.map((u) => u.cpuSec + (kind === 'validator' ? u.childCpuSec : 0))
    return [
      {
        kind,
        processes: ps.length,
        medianCpuSec: median(cpu),
        totalCpuSec: cpu.reduce((a, b) => a + b, 0),
        medianPeakRssMiB: median(ps.map((u) => u.peakRssBytes / 2 ** 20)),
      },
    ]
  })
}
