/** One uid's input to the permit election. */
export interface PermitCandidate {
  /** Stake weight in rao (alpha + TAO × TaoWeight on Subtensor). */
  stake: bigint
  /** The subnet owner's hotkey: exempt from the threshold and always permitted. */
  isOwner?: boolean
}

/**
 * Validator permits as the epoch computes them (chain.md §6, `run_epoch.rs` + `is_topk_nonzero`): stake
 * below `threshold` counts as zero (owner exempt), then the `maxAllowed` largest non-zero stakes win. Ties
 * go to the higher uid, because Subtensor drops the first `n − k` of a stable ascending sort. The owner
 * is forced on. Index in = uid.
 */
export function validatorPermits(
  candidates: readonly PermitCandidate[],
  threshold: bigint,
  maxAllowed: number,
): boolean[] {
  const stake = candidates.map((c) => (c.isOwner || c.stake >= threshold ? c.stake : 0n))
  const permit = stake.map((s) => s > 0n)
  const n = stake.length
  if (n >= maxAllowed) {
    const order = stake
      .map((_, i) => i)
      .sort((a, b) => (stake[a]! < stake[b]! ? -1 : stake[a]! > stake[b]! ? 1 : a - b))
    for (const i of order.slice(0, n - maxAllowed)) permit[i] = false
  }
  candidates.forEach((c, i) => {
    if (c.isOwner) permit[i] = true
  })
  return permit
}
