import { JobsError } from './errors.js'

/** Inputs of {@link takeOverCandidates}. */
export interface TakeOverInput {
  /** Every eligible validator in rendezvous order (`rankValidators(...).map(v => v.hotkey)`). */
  ranking: readonly string[]
  /** How many head-of-ranking validators are assigned (R). */
  r: number
  /** The block from which the job expects statuses (its cycle start block, or the announcement block). */
  since: number
  /** Block of the last job status seen from each validator for this job; absent = none yet. */
  lastStatusBlock: ReadonlyMap<string, number>
  head: number
  /** Blocks without a status after which a validator counts as silent. */
  silenceBlocks: number
}

/** One take-over: `hotkey` may evaluate the job in place of the silent `replaces`. */
export interface TakeOver {
  hotkey: string
  replaces: string
  /** The block from which `hotkey` is expected to send statuses (when it inherited the slot). */
  since: number
}

/**
 * Which validators may take a job over, in order (design §5: "others take over a job whose assignees have
 * sent no status for a configured number of blocks").
 *
 * Each of the R slots starts with its assignee, expected to report from `since`. A holder is silent when
 * `head − (its last status block, or the block it inherited the slot) ≥ silenceBlocks`. A silent holder's
 * slot passes to the next validator in rendezvous order that holds no slot yet, which inherits it at
 * `inherited + silenceBlocks` and may itself go silent and pass it on. Slots are resolved in ranking order,
 * so every node with the same statuses computes the same take-overs. Returns the final holders that are
 * not original assignees, with the assignee each replaces.
 *
 * @throws JobsError `JOBS_BAD_INPUT` on `r` < 1 or `silenceBlocks` < 1.
 */
export function takeOverCandidates(input: TakeOverInput): TakeOver[] {
  const { ranking, r, since, lastStatusBlock, head, silenceBlocks } = input
  if (!Number.isSafeInteger(r) || r < 1) {
    throw new JobsError({ code: 'JOBS_BAD_INPUT', field: 'r', reason: 'must be an integer ≥ 1' })
  }
  if (!Number.isSafeInteger(silenceBlocks) || silenceBlocks < 1) {
    throw new JobsError({ code: 'JOBS_BAD_INPUT', field: 'silenceBlocks', reason: 'must be an integer ≥ 1' })
  }
  const assignees = ranking.slice(0, r)
  let next = assignees.length
  const out: TakeOver[] = []
  for (const assignee of assignees) {
    let holder = assignee
    let heldSince = since
    for (;;) {
      const last = lastStatusBlock.get(holder)
      const lastSign = Math.max(heldSince, last ?? Number.NEGATIVE_INFINITY)
      if (head - lastSign < silenceBlocks) break
      const successor = ranking[next]
      if (successor === undefined) break
      next += 1
      // The successor inherits when the holder became silent, not at `head`, so a long outage walks the
      // ranking one silence period at a time instead of handing every slot to the same next validator.
      heldSince = lastSign + silenceBlocks
      holder = successor
    }
    if (holder !== assignee) out.push({ hotkey: holder, replaces: assignee, since: heldSince })
  }
  return out
}

/** Inputs of {@link mayHoldSlot}. */
export interface MayHoldSlotInput {
  ranking: readonly string[]
  r: number
  since: number
  silenceBlocks: number
  hotkey: string
  /** The block the status or result names. */
  block: number
}

/**
 * Whether `hotkey` can hold one of the job's R slots at `block` under some set of statuses: an assignee
 * always; any other validator of the ranking from `since + silenceBlocks` on. That is the earliest any slot
 * passes, and it is no earlier for ranks further down: {@link takeOverCandidates} resolves slots in order
 * from one shared successor list, so a later slot's first successor can sit deep in the ranking.
 *
 * Receivers judge statuses and results by this, not by the take-overs their own statuses imply. Whether an
 * assignee was silent depends on which statuses a node saw: during a partition each side takes over the
 * other side's assignees, and once healed every node must accept the same messages or they never agree on
 * one result set. Scoring bounds what extra results can do (a stake-weighted median per job).
 */
export function mayHoldSlot(input: MayHoldSlotInput): boolean {
  const p = input.ranking.indexOf(input.hotkey)
  if (p < 0) return false
  if (p < Math.max(1, Math.min(input.r, input.ranking.length))) return true
  return input.block >= input.since + input.silenceBlocks
}
