import { Type } from 'typebox'
import { Hex, Hex32, Nullable } from '../../http/schemas.js'

// Response schemas of the store's rows (store/types.ts), field for field. They drive serialization, so a
// field missing here is missing from the answer: keep both in step (the route tests compare whole rows).

export const CompetitionRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  block: Type.Integer(),
  messageId: Hex32,
  points: Type.Number(),
  startBlock: Type.Integer(),
  endBlock: Type.Integer({ description: '0 = open-ended' }),
  cycleLengthBlocks: Type.Integer(),
  episodesPerTask: Type.Integer(),
  maxSteps: Type.Integer(),
  strategy: Type.String(),
  params: Type.Record(Type.String(), Type.Number()),
  tasks: Type.Array(
    Type.Object({ envId: Type.String(), taskId: Type.String(), params: Type.Record(Type.String(), Type.String()) }),
  ),
})

export const JobStatusRowSchema = Type.Object({
  jobId: Hex32,
  validator: Type.String(),
  state: Type.Union([Type.Literal('claimed'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  episodesDone: Type.Integer(),
  episodesTotal: Type.Integer(),
  detail: Type.String(),
  block: Type.Integer(),
  messageId: Hex32,
})

const jobRowProperties = {
  jobId: Hex32,
  competitionId: Type.String(),
  minerHotkey: Type.String(),
  minerUid: Type.Integer(),
  commitment: Type.String(),
  commitmentBlock: Type.Integer(),
  cycle: Type.Integer(),
  cycleStartBlock: Type.Integer(),
  block: Type.Integer({ description: 'block of the first announcement seen' }),
  announcedBy: Nullable(Type.String()),
  messageId: Hex32,
}

export const JobViewSchema = Type.Object({
  ...jobRowProperties,
  statuses: Type.Array(JobStatusRowSchema),
  results: Type.Array(Type.Object({ validator: Type.String(), messageId: Hex32 })),
})

const summaryProperties = {
  episodes: Type.Integer(),
  successes: Type.Integer(),
  successRate: Type.Number(),
  wilsonLow: Type.Number(),
  wilsonHigh: Type.Number(),
  meanReward: Type.Number(),
}

/** The properties of a result row, for routes that add fields to it. */
export const resultRowProperties = {
  ...summaryProperties,
  messageId: Hex32,
  jobId: Hex32,
  validator: Type.String(),
  competitionId: Type.String(),
  minerHotkey: Type.String(),
  block: Type.Integer(),
  startedAtBlock: Type.Integer(),
  finishedAtBlock: Type.Integer(),
  perEnv: Type.Array(Type.Object({ ...summaryProperties, envId: Type.String() })),
  evaluatorVersion: Type.String(),
  simulatorVersion: Type.String(),
  artifactUris: Type.Array(Type.String()),
  trajectoryDigest: Hex,
}

export const ResultRowSchema = Type.Object(resultRowProperties)

export const EpisodeRowSchema = Type.Object({
  resultId: Hex32,
  jobId: Hex32,
  validator: Type.String(),
  minerHotkey: Type.String(),
  competitionId: Type.String(),
  block: Type.Integer(),
  envId: Type.String(),
  taskId: Type.String(),
  episodeIndex: Type.Integer(),
  seed: Type.String({ description: 'u64, decimal' }),
  success: Type.Boolean(),
  totalReward: Type.Number(),
  steps: Type.Integer(),
  durationMs: Type.Number(),
  error: Nullable(Type.String()),
  finalStateHash: Hex,
})

export const WeightsRowSchema = Type.Object({
  messageId: Hex32,
  validator: Type.String(),
  block: Type.Integer(),
  uids: Type.Array(Type.Integer()),
  weights: Type.Array(Type.Integer(), { description: 'u16 values parallel to uids' }),
  inputsDigest: Hex,
  versionKey: Type.String(),
  strategy: Type.String(),
})

export const PeerRowSchema = Type.Object({
  validator: Type.String(),
  peerId: Type.String(),
  multiaddrs: Type.Array(Type.String()),
  issuedAtBlock: Type.Integer(),
  expiresAtBlock: Type.Integer(),
  capacity: Type.Integer(),
  families: Type.Array(Type.String()),
  messageId: Hex32,
})

export const CommitmentRowSchema = Type.Object({
  minerHotkey: Type.String(),
  uid: Nullable(Type.Integer()),
  block: Type.Integer(),
  text: Type.String(),
  seenAt: Type.Number({ description: 'ms since epoch' }),
})

/** The properties of the store's counts, for routes that add fields to them. */
export const storeCountsProperties = {
  messages: Type.Integer(),
  competitions: Type.Integer(),
  jobs: Type.Integer(),
  results: Type.Integer(),
  episodes: Type.Integer(),
  weights: Type.Integer(),
  validators: Type.Integer(),
  commitments: Type.Integer(),
  headBlock: Type.Integer({ description: 'highest message block; 0 when empty' }),
}

export const StoreCountsSchema = Type.Object(storeCountsProperties)

/** The properties of a validator's activity, for routes that add fields to it. */
export const validatorActivityProperties = {
  validator: Type.String(),
  peer: Nullable(PeerRowSchema),
  lastSeenBlock: Nullable(Type.Integer()),
  lastSeenAt: Nullable(Type.Number()),
  results: Type.Integer(),
  jobsDone: Type.Integer(),
  lastWeights: Nullable(WeightsRowSchema),
}
