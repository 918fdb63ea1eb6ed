/** Write shapes and row readers of every table, one module per concept. */
export { COMMITMENTS, JOBS, STATUSES, toCommitment, toJob, toStatus } from './jobs.js'
export { COMPETITIONS, MESSAGE_SELECT, MESSAGES, PEERS, toCompetition, toMessage, toPeer } from './mesh.js'
export { EPISODES, RESULTS, toEpisode, toResult, toWeights, WEIGHTS } from './results.js'
export { columnList, type DbRow, type TableSpec } from './spec.js'
