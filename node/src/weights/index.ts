/** The weight setter (design §6, issue 6 item 4). */
export * from './constants.js'
export type { WeightsErrorCode, WeightsErrorMeta } from './errors.js'
export { WEIGHTS_ERROR_CODES, WEIGHTS_ERROR_FIXES, WeightsError } from './errors.js'
export { kvCommitPersistence, PENDING_COMMIT_KEY } from './persist.js'
export type {
  CommitPersistence,
  IncompletePolicy,
  PendingReveal,
  PersistedCommit,
  WeightInputs,
  WeightSetter,
  WeightSetterInit,
  WeightSetterStatus,
} from './types.js'
export { createWeightSetter } from './weight-setter.js'
