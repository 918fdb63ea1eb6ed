/**
 * Subset winners with first-commit advantage, the rule of the reference's
 * `find_subset_winner_with_priority` (kinitro.md D.2 step 4), computed with bitmasks.
 *
 * The reference, for each subset S, walks candidates in (block, uid) order and keeps the first that
 * survives every pairing: against each other miner o, the one with the lower-or-equal block is "earlier"
 * (so a same-block pair counts the candidate as earlier); an earlier candidate loses if o beats its
 * thresholds on all of S; a later candidate survives only if it beats o's thresholds on all of S.
 *
 * With `beats[i][j]` = the bitmask of environments where miner i beats miner j's threshold, "beats on all
 * of S" is `(beats & S) === S`. For each candidate c:
 *  - must(c) = AND of beats[c][o] over strictly earlier o: S is winnable only if S ⊆ must(c);
 *  - blocked(c, S) = some o with block ≥ block(c) has S ⊆ beats[o][c], found for all S at once by
 *    marking each beats[o][c] and closing downward over subsets (sum-over-supersets, k·2^k).
 * The first candidate in order with S ⊆ must(c) ∧ S ⊆ eligible(c) ∧ ¬blocked(c, S) wins S, exactly as the
 * reference's scan, in O(n² + n·k·2^k) instead of O(2^k·n²·k).
 */

/** A miner in the order the rule walks: `block` ascending, then uid. */
export interface SubsetContender {
  uid: number
  block: number
}

/**
 * Winner per subset mask (index = mask, bit j = environment j), −1 for none; index 0 is unused.
 *
 * @param contenders - miners sorted by (block, uid).
 * @param beats - `beats[i * n + j]`: environments where contender i beats contender j's threshold.
 * @param k - number of environments.
 * @param eligible - per contender, environments it may win at all (all ones when every score counts).
 */
export function subsetWinners(
  contenders: readonly SubsetContender[],
  beats: Uint32Array,
  k: number,
  eligible?: Uint32Array,
): Int32Array {
  const n = contenders.length
  const subsets = 1 << k
  const full = subsets - 1
  const winners = new Int32Array(subsets).fill(-1)
  let open = full
  const blocked = new Uint8Array(subsets)
  for (let c = 0; c < n && open > 0; c++) {
    const block = (contenders[c] as SubsetContender).block
    let must = eligible ? (eligible[c] as number) & full : full
    blocked.fill(0)
    let anyBlocker = false
    for (let o = 0; o < n; o++) {
      if (o === c) continue
      if ((contenders[o] as SubsetContender).block < block) must &= beats[c * n + o] as number
      else {
        const mask = (beats[o * n + c] as number) & full
        if (mask !== 0) {
          blocked[mask] = 1
          anyBlocker = true
        }
      }
    }
    if (must === 0) continue
    if (anyBlocker) closeDownward(blocked, k)
    // Only subsets of `must` can be won: walk them directly (submask enumeration).
    for (let s = must; s > 0; s = (s - 1) & must) {
      if (winners[s] === -1 && blocked[s] === 0) {
        winners[s] = c
        open--
      }
    }
  }
  return winners
}

/** After this, `marks[S]` is 1 iff some originally marked mask contains S. */
function closeDownward(marks: Uint8Array, k: number): void {
  const size = marks.length
  for (let bit = 1; bit < 1 << k; bit <<= 1) {
    for (let s = 0; s < size; s++) if ((s & bit) === 0 && marks[s | bit]) marks[s] = 1
  }
}

/** Number of set bits (the subset size). */
export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}
