/**
 * The indexer's storage seam (design §9): one interface, two implementations (SQLite by default,
 * PostgreSQL at scale), one contract suite (`test/compliance/store.suite.ts`) that both run.
 *
 * The write side takes batches of already-verified messages with their decoded projections; the store
 * never verifies or decodes. Every write is idempotent by message id: the same message twice is stored
 * once, and its projection rows are written once. The read side answers the REST API: every list is a
 * cursor page ordered newest first, every row is JSON-safe (hex for bytes, SS58 for hotkeys, decimal
 * strings for u64 seeds).
 */

import type { TopicName } from '#protocol'

/** Hex string of 32 bytes (message id, job id). */
export type Hex = string

/** One verified message to index: the envelope exactly as received plus what the observer derived. */
export interface IndexedMessage {
  /** SHA-256 of `envelope` (the gossipsub msgId). */
  id: Hex
  topic: TopicName
  /** Envelope message type (`result`, `job-status`, …). */
  type: string
  /** The block the message was made at (the body's `block`, or `issuedAtBlock` for peer records). */
  block: number
  /** Hex public key that signed the envelope. */
  signer: Hex
  /** SS58 hotkey the signer stands for (validator or subnet owner); null when unbound. */
  hotkey: string | null
  /** Receive time, ms since epoch. */
  receivedAt: number
  /** The envelope bytes as received (served back so clients can verify signatures themselves). */
  envelope: Uint8Array
  /** Decoded projection of the body; exactly one kind per message type. */
  projection: Projection
}

/** The decoded, JSON-safe view of one message body, by type. */
export type Projection =
  | { kind: 'competition'; competition: CompetitionRow }
  | { kind: 'job'; job: JobRow }
  | { kind: 'status'; status: JobStatusRow }
  | { kind: 'result'; result: ResultRow; episodes: EpisodeRow[] }
  | { kind: 'weights'; weights: WeightsRow }
  | { kind: 'peer'; peer: PeerRow }
  // Subnet-owner actions (approve, reject, rerun): kept in the message log for sync and scoring, no table.
  | { kind: 'none' }

/** A competition manifest as published by the subnet owner. For one id, the highest block is current. */
export interface CompetitionRow {
  id: string
  name: string
  block: number
  messageId: Hex
  points: number
  startBlock: number
  /** 0 = open-ended. */
  endBlock: number
  cycleLengthBlocks: number
  episodesPerTask: number
  maxSteps: number
  strategy: string
  /** Strategy parameters. */
  params: Record<string, number>
  tasks: { envId: string; taskId: string; params: Record<string, string> }[]
}

/** A job announcement: one (miner commitment, competition, cycle). */
export interface JobRow {
  jobId: Hex
  competitionId: string
  minerHotkey: string
  minerUid: number
  commitment: string
  commitmentBlock: number
  cycle: number
  cycleStartBlock: number
  /** Block of the first announcement seen. */
  block: number
  /** Validator that announced it first. */
  announcedBy: string | null
  messageId: Hex
}

/** Job states, lower-cased names of protocol's `JobState` codes. */
export type JobStateName = 'claimed' | 'running' | 'done' | 'failed'

/** One validator's status for one job. The store keeps the newest per (job, validator) by block. */
export interface JobStatusRow {
  jobId: Hex
  validator: string
  state: JobStateName
  episodesDone: number
  episodesTotal: number
  detail: string
  block: number
  messageId: Hex
}

/** Aggregate figures of a result (whole job, and per environment). */
export interface SummaryFigures {
  episodes: number
  successes: number
  successRate: number
  wilsonLow: number
  wilsonHigh: number
  meanReward: number
}

/** One validator's signed result for one job. */
export interface ResultRow extends SummaryFigures {
  messageId: Hex
  jobId: Hex
  validator: string
  competitionId: string
  minerHotkey: string
  block: number
  startedAtBlock: number
  finishedAtBlock: number
  perEnv: (SummaryFigures & { envId: string })[]
  evaluatorVersion: string
  simulatorVersion: string
  artifactUris: string[]
  trajectoryDigest: Hex
}

/** One episode of a result. */
export interface EpisodeRow {
  /** The result message this episode belongs to. */
  resultId: Hex
  jobId: Hex
  validator: string
  minerHotkey: string
  competitionId: string
  block: number
  envId: string
  taskId: string
  episodeIndex: number
  /** u64 as a decimal string. */
  seed: string
  success: boolean
  totalReward: number
  steps: number
  durationMs: number
  error: string | null
  finalStateHash: Hex
}

/** A validator's weights announcement (published after the weights landed on chain). */
export interface WeightsRow {
  messageId: Hex
  validator: string
  block: number
  uids: number[]
  /** u16 values parallel to `uids`. */
  weights: number[]
  inputsDigest: Hex
  versionKey: string
  strategy: string
}

/** A validator's peer record: how it is reachable and what it offers. Newest per validator wins. */
export interface PeerRow {
  validator: string
  peerId: string
  multiaddrs: string[]
  issuedAtBlock: number
  expiresAtBlock: number
  capacity: number
  families: string[]
  messageId: Hex
}

/** A miner's on-chain commitment as the chain poller saw it (history: one row per (miner, block)). */
export interface CommitmentRow {
  minerHotkey: string
  uid: number | null
  block: number
  text: string
  /** When the indexer first saw it, ms since epoch. */
  seenAt: number
}

/** A page of rows, newest first, and the opaque cursor of the next page (absent on the last one). */
export interface Page<T> {
  items: T[]
  nextCursor?: string
}

/** Common paging parameters. `cursor` is what the previous page returned; `limit` is 1…1000. */
export interface PageQuery {
  cursor?: string
  limit: number
}

export interface JobQuery extends PageQuery {
  competitionId?: string
  minerHotkey?: string
  /** Jobs with a status row from this validator. */
  validator?: string
  cycle?: number
}

export interface ResultQuery extends PageQuery {
  jobId?: Hex
  competitionId?: string
  minerHotkey?: string
  validator?: string
  fromBlock?: number
  toBlock?: number
}

export interface EpisodeQuery extends PageQuery {
  resultId?: Hex
  jobId?: Hex
  minerHotkey?: string
  validator?: string
  envId?: string
  success?: boolean
}

export interface WeightsQuery extends PageQuery {
  validator?: string
  fromBlock?: number
  toBlock?: number
}

export interface MessageQuery extends PageQuery {
  topic?: TopicName
  /** Ingest sequence numbers: only rows with `seq > afterSeq`. Pages ascend by seq for this query. */
  afterSeq?: number
}

/** A job with its statuses, for `/v1/jobs`. */
export interface JobView extends JobRow {
  statuses: JobStatusRow[]
  /** Result message ids for this job, by validator. */
  results: { validator: string; messageId: Hex }[]
}

/**
 * A validator that signed two or more different results for one job. Each job has one result per assignee
 * (a rerun is a new job), so this is proof of a faulty or dishonest validator: every signature checks out.
 */
export interface Equivocation {
  validator: string
  jobId: Hex
  /** The conflicting results, oldest first. */
  results: ResultRow[]
}

/** A validator's activity as the indexer saw it. */
export interface ValidatorActivity {
  validator: string
  peer: PeerRow | null
  /** Highest block of any message from it; null when none. */
  lastSeenBlock: number | null
  /** Receive time of its newest message, ms since epoch; null when none. */
  lastSeenAt: number | null
  results: number
  /** Jobs it reported `done` for. */
  jobsDone: number
  /** Its newest weights announcement, if any. */
  lastWeights: WeightsRow | null
}

/** A stored message, as returned by message queries. */
export interface StoredMessageRow {
  seq: number
  id: Hex
  topic: TopicName
  type: string
  block: number
  signer: Hex
  hotkey: string | null
  receivedAt: number
  envelope: Uint8Array
}

/** Totals for `/health` and the dashboard header. */
export interface StoreCounts {
  messages: number
  competitions: number
  jobs: number
  results: number
  episodes: number
  weights: number
  validators: number
  commitments: number
  /** Highest message block; 0 when empty. */
  headBlock: number
}

/** What {@link IndexerStore.ingest} did with a batch. */
export interface IngestOutcome {
  /** Messages that were new, in input order, with the sequence numbers the store assigned. */
  inserted: { id: Hex; seq: number }[]
  /** Messages already stored (ids). */
  duplicates: Hex[]
}

/**
 * The storage seam. Methods are async so PostgreSQL fits; SQLite resolves synchronously inside them.
 * `migrate()` is idempotent and run by `open()`-style factories before first use.
 */
export interface IndexerStore {
  /** Which implementation (`sqlite` | `postgres`), for `/health` and logs. */
  readonly kind: 'sqlite' | 'postgres'
  /** Apply pending migrations (idempotent). Returns the schema version now in force. */
  migrate(): Promise<number>
  /** Store a batch in one transaction: all or none; duplicates by id are skipped, not errors. */
  ingest(batch: readonly IndexedMessage[]): Promise<IngestOutcome>
  /** Record a miner commitment seen on chain (idempotent per (miner, block)). */
  addCommitments(rows: readonly CommitmentRow[]): Promise<number>

  message(id: Hex): Promise<StoredMessageRow | undefined>
  /** Raw envelopes in ingest order (`afterSeq`) or newest first; for feeds' resume and scoring. */
  messages(q: MessageQuery): Promise<Page<StoredMessageRow>>
  /** Envelopes of one topic with `fromBlock <= block <= toBlock`, ordered by (block, id) ascending; for replay and serving sync. */
  range(q: {
    topic?: TopicName
    fromBlock: number
    toBlock: number
    after?: { block: number; id: Hex }
    limit: number
  }): Promise<{ items: StoredMessageRow[]; next?: { block: number; id: Hex } }>

  competitions(): Promise<CompetitionRow[]>
  competition(id: string): Promise<CompetitionRow | undefined>
  jobs(q: JobQuery): Promise<Page<JobView>>
  job(jobId: Hex): Promise<JobView | undefined>
  results(q: ResultQuery): Promise<Page<ResultRow>>
  result(messageId: Hex): Promise<ResultRow | undefined>
  episodes(q: EpisodeQuery): Promise<Page<EpisodeRow>>
  weights(q: WeightsQuery): Promise<Page<WeightsRow>>
  /** Newest weights announcement per validator. */
  latestWeights(): Promise<WeightsRow[]>
  validators(): Promise<ValidatorActivity[]>
  /** Validators that signed more than one result for a job, at most `limit` (job, validator) pairs. */
  equivocations(q?: { validator?: string; limit?: number }): Promise<Equivocation[]>
  commitments(q: PageQuery & { minerHotkey?: string }): Promise<Page<CommitmentRow>>
  counts(): Promise<StoreCounts>

  /** Small key/value state (sync checkpoint, chain poller position). */
  getKv(key: string): Promise<string | undefined>
  putKv(key: string, value: string): Promise<void>
  /** Cheap liveness probe (`SELECT 1`). */
  ping(): Promise<boolean>
  close(): Promise<void>
}
