import type { ObserverView } from '../observer/types.js'
import type { ScoreSnapshot } from '../scores/types.js'
import type { ValidatorActivity } from '../store/types.js'

/** A validator's activity with its chain standing and whether its weights agree with the indexer's scores. */
export interface ValidatorView extends ValidatorActivity {
  /** Null when the validator is not in the observer's metagraph (or there is none). */
  uid: number | null
  /** Stake weight in rao, decimal (u64 does not fit a JSON number); null when unknown. */
  stake: string | null
  permitted: boolean
  /**
   * Simplified agreement: over its newest weights announcement only. `announced` is 1 when it has one;
   * `matching` is 1 when that announcement's `inputsDigest` equals the newest score snapshot's.
   */
  agreement: { announced: number; matching: number }
}

/** Add metagraph standing and agreement to the store's activity rows. */
export function validatorViews(
  rows: readonly ValidatorActivity[],
  observer: ObserverView | undefined,
  snap: ScoreSnapshot | undefined,
): ValidatorView[] {
  const neurons = new Map((observer?.metagraph()?.neurons ?? []).map((n) => [n.hotkey, n]))
  const digest = snap?.output.inputsDigest
  return rows.map((row) => {
    const n = neurons.get(row.validator)
    const matching = row.lastWeights !== null && digest !== undefined && row.lastWeights.inputsDigest === digest
    return {
      ...row,
      uid: n?.uid ?? null,
      stake: n === undefined ? null : n.stake.toString(),
      permitted: n?.validatorPermit ?? false,
      agreement: { announced: row.lastWeights === null ? 0 : 1, matching: matching ? 1 : 0 },
    }
  })
}
