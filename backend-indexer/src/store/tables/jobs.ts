import { hexBytes } from '../sql.js'
import type { CommitmentRow, JobRow, JobStateName, JobStatusRow } from '../types.js'
import { type DbRow, hex, num, str, type TableSpec } from './spec.js'

// Jobs, their per-validator statuses, and miner commitments (what jobs are derived from).
export const JOBS: TableSpec<JobRow> = {
  table: 'jobs',
  columns: [
    ['job_id', 'bytea'],
    ['competition_id', 'text'],
    ['miner_hotkey', 'text'],
    ['miner_uid', 'int4'],
    ['commitment', 'text'],
    ['commitment_block', 'int8'],
    ['cycle', 'int8'],
    ['cycle_start_block', 'int8'],
    ['block', 'int8'],
    ['announced_by', 'text'],
    ['message_id', 'bytea'],
  ],
  values: (j) => [
    hexBytes(j.jobId),
    j.competitionId,
    j.minerHotkey,
    j.minerUid,
    j.commitment,
    j.commitmentBlock,
    j.cycle,
    j.cycleStartBlock,
    j.block,
    j.announcedBy,
    hexBytes(j.messageId),
  ],
}
export function toJob(r: DbRow): JobRow {
  return {
    jobId: hex(r.job_id),
    competitionId: str(r.competition_id),
    minerHotkey: str(r.miner_hotkey),
    minerUid: num(r.miner_uid),
    commitment: str(r.commitment),
    commitmentBlock: num(r.commitment_block),
    cycle: num(r.cycle),
    cycleStartBlock: num(r.cycle_start_block),
    block: num(r.block),
    announcedBy: r.announced_by as string | null,
    messageId: hex(r.message_id),
  }
}

export const STATUSES: TableSpec<JobStatusRow> = {
  table: 'job_statuses',
  columns: [
    ['job_id', 'bytea'],
    ['validator', 'text'],
    ['state', 'text'],
    ['episodes_done', 'int4'],
    ['episodes_total', 'int4'],
    ['detail', 'text'],
    ['block', 'int8'],
    ['message_id', 'bytea'],
  ],
  values: (s) => [
    hexBytes(s.jobId),
    s.validator,
    s.state,
    s.episodesDone,
    s.episodesTotal,
    s.detail,
    s.block,
    hexBytes(s.messageId),
  ],
}
export function toStatus(r: DbRow): JobStatusRow {
  return {
    jobId: hex(r.job_id),
    validator: str(r.validator),
    state: r.state as JobStateName,
    episodesDone: num(r.episodes_done),
    episodesTotal: num(r.episodes_total),
    detail: str(r.detail),
    block: num(r.block),
    messageId: hex(r.message_id),
  }
}

export const COMMITMENTS: TableSpec<CommitmentRow> = {
  table: 'commitments',
  columns: [
    ['miner_hotkey', 'text'],
    ['block', 'int8'],
    ['uid', 'int4'],
    ['text', 'text'],
    ['seen_at', 'int8'],
  ],
  values: (c) => [c.minerHotkey, c.block, c.uid, c.text, c.seenAt],
}
export function toCommitment(r: DbRow): CommitmentRow {
  return {
    minerHotkey: str(r.miner_hotkey),
    uid: r.uid as number | null,
    block: num(r.block),
    text: str(r.text),
    seenAt: num(r.seen_at),
  }
}
