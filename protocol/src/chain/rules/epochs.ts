/**
 * Epoch arithmetic as Subtensor computes it (`get_epoch_index`, `blocks_until_next_epoch` in
 * `pallets/subtensor/src`): the netuid offsets each subnet's epoch so they do not all run in one block.
 * Runtimes from spec ~400 also keep a `SubnetEpochIndex` counter that advances at the same blocks.
 */

/** Epoch index of `block`: ⌊(block + netuid + 1) / (tempo + 1)⌋. */
export function epochIndex(block: number, tempo: number, netuid: number): number {
  return Math.floor((block + netuid + 1) / (tempo + 1))
}

/** True when the subnet's epoch runs in `block` (the last block of an epoch index). */
export function isEpochBlock(block: number, tempo: number, netuid: number): boolean {
  if (tempo === 0) return false
  return (block + netuid + 1) % (tempo + 1) === tempo
}

/** First block whose epoch index is `epoch`. */
export function epochStartBlock(epoch: number, tempo: number, netuid: number): number {
  return Math.max(0, epoch * (tempo + 1) - netuid - 1)
}

/** Where a CR v2 reveal stands relative to its commit: only the epoch `commit epoch + period` accepts it. */
export type RevealTiming = 'too-early' | 'open' | 'expired'

/** Reveal timing of a commit made at `commitBlock`, asked at `block` (chain.md §5, CR v2). */
export function revealTiming(
  commitBlock: number,
  block: number,
  tempo: number,
  netuid: number,
  revealPeriod: number,
): RevealTiming {
  const due = epochIndex(commitBlock, tempo, netuid) + revealPeriod
  const now = epochIndex(block, tempo, netuid)
  if (now < due) return 'too-early'
  return now === due ? 'open' : 'expired'
}
