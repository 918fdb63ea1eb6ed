import { hrtime } from 'node:process'
import { percentile } from '../harness.js'
import { decodeStamp, type Stamp } from './stamp.js'

// The child side of one benchmark case: a paced publisher and a receipt recorder.
//
// Clock: send and receive times are `process.hrtime.bigint()`, which on Linux reads CLOCK_MONOTONIC,
// one clock for every process on the host. It beats a wall clock (Date.now) here: nanosecond resolution
// instead of milliseconds, and no NTP steps mid-run. The send time rides inside the signed message (see
// `Stamp`), so no side channel has to match ids afterwards, and both transports carry it the same way.

/** When and how much node i publishes in a case: `count` messages at `startNs + offsetNs + k × intervalNs`. */
export interface LoadPlan {
  caseId: number
  publisher: number
  count: number
  startNs: bigint
  /** Spreads the publishers over one interval so the aggregate stream is evenly spaced. */
  offsetNs: number
  intervalNs: number
}

/** What a publisher did. */
export interface LoadOutcome {
  published: number
  publishErrors: number
  firstError?: string
  /** p99 of (actual − scheduled) publish time: a publisher that falls behind hides load it did not offer. */
  lagP99Ms: number
}

/**
 * Publish `plan.count` messages on schedule; `publishOne` builds and sends the message for a stamp. Late
 * ticks catch up at once (no skipped messages); the stamp carries the actual send time.
 */
export function runLoad(plan: LoadPlan, publishOne: (stamp: Stamp) => unknown): Promise<LoadOutcome> {
  const lags: number[] = []
  let k = 0
  let inFlight = 0
  let scheduled = false
  const out: LoadOutcome = { published: 0, publishErrors: 0, lagP99Ms: 0 }
  const due = (i: number): bigint => plan.startNs + BigInt(Math.round(plan.offsetNs + i * plan.intervalNs))
  return new Promise((resolve) => {
    const finish = (): void => {
      if (k < plan.count || inFlight > 0 || !scheduled) return
      lags.sort((a, b) => a - b)
      out.lagP99Ms = lags.length === 0 ? 0 : percentile(lags, 99)
      resolve(out)
    }
    const settle = (err?: unknown): void => {
      inFlight--
      if (err === undefined) out.published++
      else {
        out.publishErrors++
        out.firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      }
      finish()
    }
    const tick = (): void => {
      let now = hrtime.bigint()
      while (k < plan.count && due(k) <= now) {
        lags.push(Number(now - due(k)) / 1e6)
        const stamp = { sentNs: now, caseId: plan.caseId, publisher: plan.publisher, seq: k }
        k++
        inFlight++
        try {
          const r = publishOne(stamp)
          if (r instanceof Promise) r.then(() => settle(), settle)
          else settle()
        } catch (err) {
          settle(err)
        }
        now = hrtime.bigint()
      }
      if (k < plan.count) setTimeout(tick, Math.max(0, Number(due(k) - now) / 1e6))
      else {
        scheduled = true
        finish()
      }
    }
    setTimeout(tick, Math.max(0, Number(due(0) - hrtime.bigint()) / 1e6))
  })
}

/** A node's status while the mesh forms. */
export interface MeshStatus {
  subscribers: number
  meshPeers: number
  connections: number
}

/** What a node reports for a case. */
export interface PeerReport extends LoadOutcome {
  receipts: Receipts
  invalid: number
  /** User + system CPU of this process from `run` to `collect`, µs. */
  cpuUs: number
}

/** Receipts of one case, as sent to the parent. */
export interface Receipts {
  publisher: number[]
  seq: number[]
  latencyMs: number[]
  /** Second copies handed to the application (gossip de-duplication failing would show here). */
  duplicates: number
}

/** Records deliveries of the current case; messages of earlier cases (stragglers) are counted, not timed. */
export class ReceiptRecorder {
  #caseId = -1
  #seen = new Set<number>()
  #receipts: Receipts = { publisher: [], seq: [], latencyMs: [], duplicates: 0 }
  /** Every delivery since the process started, any case: the parent waits for it to stop moving. */
  total = 0
  /** Messages that failed validation (should stay 0: every message is valid). */
  invalid = 0

  begin(caseId: number): void {
    this.#caseId = caseId
    this.#seen.clear()
    this.#receipts = { publisher: [], seq: [], latencyMs: [], duplicates: 0 }
  }

  /** Record a delivered result's job id, received now. */
  receive(jobId: Uint8Array): void {
    const now = hrtime.bigint()
    this.total++
    const s = decodeStamp(jobId)
    if (s === undefined || s.caseId !== this.#caseId) return
    const key = s.publisher * 2 ** 32 + s.seq
    if (this.#seen.has(key)) {
      this.#receipts.duplicates++
      return
    }
    this.#seen.add(key)
    this.#receipts.publisher.push(s.publisher)
    this.#receipts.seq.push(s.seq)
    this.#receipts.latencyMs.push(Number(now - s.sentNs) / 1e6)
  }

  /** Deliveries of the current case so far. */
  count(): number {
    return this.#receipts.seq.length
  }

  take(): Receipts {
    return this.#receipts
  }
}
