/**
 * Per-peer token bucket for inbound sync requests (Lodestar rate-limits reqresp per peer, p2p.md §7).
 * The peer map is bounded: at `maxPeers` the least recently seen peer is forgotten (Map keeps insertion
 * order; a hit re-inserts), so a flood of fresh peer ids cannot grow memory.
 */
export interface TokenBucket {
  /** Take one token for `key`; false when its bucket is empty. */
  take(key: string): boolean
}

export function createTokenBucket(opts: {
  burst: number
  perSecond: number
  maxPeers: number
  now?: () => number
}): TokenBucket {
  const now = opts.now ?? (() => performance.now())
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take(key) {
      const t = now()
      const prev = buckets.get(key)
      let tokens = opts.burst
      if (prev !== undefined) {
        tokens = Math.min(opts.burst, prev.tokens + ((t - prev.at) / 1000) * opts.perSecond)
        buckets.delete(key)
      } else if (buckets.size >= opts.maxPeers) {
        const oldest = buckets.keys().next().value
        if (oldest !== undefined) buckets.delete(oldest)
      }
      const ok = tokens >= 1
      buckets.set(key, { tokens: ok ? tokens - 1 : tokens, at: t })
      return ok
    },
  }
}
