import { mulberry32 } from '#protocol'
/** How retry delays grow. All values in ms except `jitter`, a fraction in [0, 1]. */
export interface BackoffPolicy {
  baseMs: number
  capMs: number
  jitter: number
}

/**
 * Delay before retrying after failed attempt number `attempt` (1-based): `baseMs · 2^(attempt−1)`, capped
 * at `capMs`, of which the fraction `jitter` is scaled by `random01` ∈ [0, 1). With jitter 0.5 a delay is
 * uniform in [d/2, d) ("equal jitter"), so it never collapses to zero and retries of jobs that failed
 * together spread out. Pure: the same inputs give the same delay.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random01: number): number {
  // Clamp the exponent so 2 ** n cannot overflow to Infinity for absurd attempt counts.
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 52))
  const spread = exp * policy.jitter
  return Math.round(exp - spread + spread * random01)
}

/**
 * Deterministic jitter source for a seed, so tests and replays see the same delays. It is protocol's
 * mulberry32 (the scoring simulator uses the same); not for anything security-related.
 */
export const seededRandom: (seed: number) => () => number = mulberry32
