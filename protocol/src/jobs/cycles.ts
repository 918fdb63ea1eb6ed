import type { CompetitionManifest } from '../proto/kinitro.js'
import { JobsError } from './errors.js'

/** The schedule fields of a competition manifest (kinitro.proto `CompetitionManifest`). */
export type CycleSchedule = Pick<CompetitionManifest, 'id' | 'startBlock' | 'endBlock' | 'cycleLengthBlocks'>

function checkSchedule(m: CycleSchedule): void {
  const bad = (field: string) => new JobsError({ code: 'JOBS_BAD_MANIFEST', competitionId: m.id, field })
  if (!Number.isSafeInteger(m.cycleLengthBlocks) || m.cycleLengthBlocks < 1) throw bad('cycle_length_blocks')
  if (!Number.isSafeInteger(m.startBlock) || m.startBlock < 0) throw bad('start_block')
  if (!Number.isSafeInteger(m.endBlock) || m.endBlock < 0 || (m.endBlock !== 0 && m.endBlock < m.startBlock)) {
    throw bad('end_block')
  }
}

/**
 * The evaluation cycle that `block` falls in: `floor((block − start_block) / cycle_length_blocks)`, or
 * `undefined` before `start_block` and after a non-zero `end_block` (0 = open-ended). Cycle `c` covers
 * blocks `[start_block + c·len, start_block + (c+1)·len)`; the last cycle may be cut short by `end_block`.
 *
 * @throws JobsError `JOBS_BAD_MANIFEST` when the schedule is unusable (cycle length 0, end before start).
 */
export function cycleOf(block: number, manifest: CycleSchedule): number | undefined {
  checkSchedule(manifest)
  if (!Number.isSafeInteger(block) || block < manifest.startBlock) return undefined
  if (manifest.endBlock !== 0 && block > manifest.endBlock) return undefined
  return Math.floor((block - manifest.startBlock) / manifest.cycleLengthBlocks)
}

/**
 * First block of cycle `cycle`: `start_block + cycle · cycle_length_blocks`. Its hash seeds the cycle's
 * episodes (`episodeSeed`), and only commitments made strictly before it count for the cycle.
 *
 * @throws JobsError `JOBS_BAD_MANIFEST` on an unusable schedule; `JOBS_BAD_INPUT` on a negative
 * or non-integer cycle.
 */
export function cycleStartBlock(cycle: number, manifest: CycleSchedule): number {
  checkSchedule(manifest)
  if (!Number.isSafeInteger(cycle) || cycle < 0) {
    throw new JobsError({ code: 'JOBS_BAD_INPUT', field: 'cycle', reason: 'must be a non-negative integer' })
  }
  return manifest.startBlock + cycle * manifest.cycleLengthBlocks
}
