import type { FailureCode } from '#protocol'
import { KinitroError } from '#protocol'

/**
 * Errors the validator operator must fix (a malformed endpoint, nonsensical limits, a port that cannot be
 * bound). A misbehaving policy never throws these: its faults are {@link PolicyCallError}s, which the episode
 * runner records as the episode's failure code.
 */
export const POLICY_ERROR_CODES = [
  'EVAL_POLICY_BAD_ENDPOINT',
  'EVAL_POLICY_BAD_LIMITS',
  'EVAL_POLICY_LISTEN_FAILED',
] as const

/** One of {@link POLICY_ERROR_CODES}. */
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number]

export type PolicyErrorMeta =
  | { code: 'EVAL_POLICY_BAD_ENDPOINT'; url: string; reason: string }
  | { code: 'EVAL_POLICY_BAD_LIMITS'; key: string; value: number }
  | { code: 'EVAL_POLICY_LISTEN_FAILED'; host: string; port: number; reason: string }

/** Operator-facing policy client/server errors; branch on `err.code`. */
export class PolicyError extends KinitroError<PolicyErrorMeta> {}

/** How to fix each {@link PolicyErrorCode}. */
export const POLICY_ERROR_FIXES: Readonly<Record<PolicyErrorCode, string>> = {
  EVAL_POLICY_BAD_ENDPOINT: 'give the policy endpoint as an http:// URL (plus socketPath for a Unix socket bridge)',
  EVAL_POLICY_BAD_LIMITS: 'set every policy limit (timeouts, maxResponseBytes) to a positive finite number',
  EVAL_POLICY_LISTEN_FAILED: 'pick a free port (0 lets the OS choose) and a host address this machine owns',
}

/** Which call of the policy contract failed. */
export type PolicyOp = 'health' | 'reset' | 'act'

/** Longest `detail` a {@link PolicyCallError} carries; policy-controlled text never exceeds it. */
export const MAX_DETAIL_CHARS = 240

/**
 * A policy call failed; `failure` is the episode failure code to record. Not a KinitroError on purpose:
 * it is an outcome of the policy under test, not a fault of the validator (except `validator_cancelled`).
 * `detail` is short and printable, so it is safe to log and to put in a result.
 */
export class PolicyCallError extends Error {
  readonly failure: FailureCode
  readonly detail: string
  readonly op: PolicyOp
  /** Time from request start to the failure, when a request was made. */
  readonly latencyMs: number | undefined

  constructor(failure: FailureCode, op: PolicyOp, detail: string, latencyMs?: number, options?: { cause?: unknown }) {
    const safe = safeText(detail, MAX_DETAIL_CHARS)
    super(`${op}: ${failure}: ${safe}`, options)
    this.name = 'PolicyCallError'
    this.failure = failure
    this.op = op
    this.detail = safe
    this.latencyMs = latencyMs
  }
}

/** Printable ASCII only, at most `max` characters: policy bytes may be anything. */
export function safeText(text: string, max: number): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?')
  return clean.length <= max ? clean : `${clean.slice(0, max - 3)}...`
}

/** A short quotation of a policy's body for a detail string (never more than `max` bytes of it). */
export function quoteBody(body: Buffer | string, max = 120): string {
  const buf = typeof body === 'string' ? Buffer.from(body) : body
  const head = buf.subarray(0, max).toString('latin1')
  return JSON.stringify(safeText(head, max) + (buf.length > max ? '...' : ''))
}
