import { toString as toHex } from 'uint8arrays/to-string'
import type { ReplicaResult } from './types.js'

/** Lowercase hex of bytes. */
export function hexOf(bytes: Uint8Array): string {
  return toHex(bytes, 'base16')
}

/** Code-unit string order: the same on every peer, unlike `localeCompare`. */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function successes(r: ReplicaResult): number {
  let n = 0
  for (const e of r.result.episodes) if (e.success) n++
  return n
}

/**
 * True when `a` replaces `b` as one validator's result for one job: the higher block wins (a re-run after
 * a failure supersedes the first attempt); at equal blocks the one with fewer successes, so sending two
 * results at once never lets a validator pick the kinder one (as `aggregateResults` does for rates); then
 * the lower message id, so the choice never depends on arrival order.
 */
function isNewer(a: ReplicaResult, b: ReplicaResult): boolean {
  if (a.result.block !== b.result.block) return a.result.block > b.result.block
  const sa = successes(a)
  const sb = successes(b)
  if (sa !== sb) return sa < sb
  return a.messageId < b.messageId
}

/**
 * Each validator's latest result per job (see the tie rules above), sorted by (job id, validator), each
 * returned with its job id in hex.
 */
export function latestReplicas(results: readonly ReplicaResult[]): Array<ReplicaResult & { jobId: string }> {
  const latest = new Map<string, ReplicaResult & { jobId: string }>()
  for (const r of results) {
    const jobId = hexOf(r.result.jobId)
    // Hotkeys are SS58 and job ids hex: neither contains a space, so the key is unambiguous.
    const key = `${jobId} ${r.validator}`
    const prev = latest.get(key)
    if (prev === undefined || isNewer(r, prev)) latest.set(key, { ...r, jobId })
  }
  return [...latest.values()].sort((a, b) => byString(a.jobId, b.jobId) || byString(a.validator, b.validator))
}
