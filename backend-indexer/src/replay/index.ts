export {
  DEFAULT_CACHE_FRAMES,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_REPLAY_STEPS,
  DEFAULT_REPLAY_TIMEOUT_MS,
} from './constants.js'
export { boundsOf, buildReplayDocument } from './document.js'
export type { ReplayErrorCode, ReplayErrorMeta } from './errors.js'
export { INDEXER_REPLAY_ERROR_CODES, INDEXER_REPLAY_ERROR_FIXES, ReplayError } from './errors.js'
export type { HttpArtifactReaderInit } from './http-reader.js'
export { httpArtifactReader } from './http-reader.js'
export type { ReplayMetrics, ReplayOutcome } from './metrics.js'
export { getReplayMetrics, REPLAY_OUTCOMES } from './metrics.js'
export type { ArtifactReader, EpisodeLocation, FolderArtifactReaderInit, S3ArtifactReaderInit } from './readers.js'
export { ArtifactTooLargeError, folderArtifactReader, s3ArtifactReader } from './readers.js'
export type { ClosableReplaySource, ReplaySourceInit } from './source.js'
export { createReplaySource } from './source.js'
export type { ReplayDocument, ReplayFrame, ReplaySource } from './types.js'
