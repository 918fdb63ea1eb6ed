export type { BindingContext } from './binding.js'
export { checkBinding } from './binding.js'
export { validateCompetitionManifest } from './competition-manifest.js'
export { validateContent } from './content.js'
export type { ValidationAction, ValidationErrorCode, ValidationErrorMeta } from './errors.js'
export {
  isValidationError,
  VALIDATION_ERROR_ACTIONS,
  VALIDATION_ERROR_CODES,
  VALIDATION_ERROR_FIXES,
  ValidationError,
} from './errors.js'
export type { ContentContext } from './fields.js'
export { checkFreshness } from './fields.js'
export { validateJobAnnouncement } from './job-announcement.js'
export { validateJobStatus } from './job-status.js'
export { validateOwnerAction } from './owner-action.js'
export { validatePeerRecord } from './peer-record.js'
export { validateResult } from './result.js'
export type { SyncFrameKind, SyncFrames } from './sync.js'
export { validateSyncFrame } from './sync.js'
export { validateWeightsAnnouncement } from './weights-announcement.js'
