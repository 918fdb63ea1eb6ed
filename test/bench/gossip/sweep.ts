import { NODES } from './constants.js'
import { type CaseStats, unsustainedReason } from './stats.js'

/** The highest rate that held, and the first that did not (with why). */
export interface SweepOutcome {
  /** Highest sustained rate, msg/s (0 when even the lowest failed). */
  rate: number
  /** Figures at that rate. */
  stats?: CaseStats
  failedAt?: number
  reason?: string
}

/** Inputs of {@link sweepRate}. */
export interface SweepInit {
  /** Rates already measured in this run (fixed cases), with one representative case each. */
  known: CaseStats[]
  /** Doubling steps above the highest sustained known rate. */
  maxDoublings: number
  /** Bisection steps between the last good and the first bad rate. */
  bisections: number
  /** Halving steps below the lowest known rate when even that one was not sustained. */
  maxHalvings: number
  run(rate: number): Promise<CaseStats>
  log(msg: string): void
}

/** Bisection rounds rates to a tenth of the last good rate: finer steps are below a 2-core box's noise. */
const grainOf = (rate: number): number => 10 ** Math.max(0, Math.floor(Math.log10(rate)) - 1)
/** Every node publishes at least once a second. */
const MIN_RATE = NODES

/**
 * Step the offered rate up (doubling from the highest sustained known rate) until a case is not sustained
 * (delivery < 100 %, p99 over the limit, or publishers behind schedule), then bisect towards the edge. When
 * even the lowest known rate failed, halve it until a rate holds.
 * One case per step: the step is a search, the fixed-rate rows carry the repeats.
 */
export async function sweepRate(init: SweepInit): Promise<SweepOutcome> {
  const out: SweepOutcome = { rate: 0 }
  const sorted = [...init.known].sort((a, b) => a.rate - b.rate)
  for (const s of sorted) {
    const reason = unsustainedReason(s)
    if (reason === undefined) {
      out.rate = s.rate
      out.stats = s
    } else {
      out.failedAt = s.rate
      out.reason = reason
      break
    }
  }
  const step = async (rate: number): Promise<boolean> => {
    const s = await init.run(rate)
    const reason = unsustainedReason(s)
    init.log(`sweep ${rate}/s: ${reason ?? 'sustained'} (p99 ${s.p99Ms.toFixed(1)} ms)`)
    if (reason === undefined) {
      out.rate = rate
      out.stats = s
      return true
    }
    out.failedAt = rate
    out.reason = reason
    return false
  }
  for (let i = 0; i < init.maxDoublings && out.failedAt === undefined && out.rate > 0; i++) {
    await step(out.rate * 2)
  }
  // A slow or busy machine: look below the lowest fixed rate, down to one message per node per second.
  for (let i = 0; i < init.maxHalvings && out.rate === 0 && out.failedAt !== undefined; i++) {
    const rate = out.failedAt / 2
    if (rate < MIN_RATE) break
    await step(rate)
  }
  for (let i = 0; i < init.bisections && out.failedAt !== undefined && out.rate > 0; i++) {
    const grain = grainOf(out.rate)
    const mid = Math.round((out.rate + out.failedAt) / 2 / grain) * grain
    if (mid <= out.rate || mid >= out.failedAt) break
    await step(mid)
  }
  return out
}
