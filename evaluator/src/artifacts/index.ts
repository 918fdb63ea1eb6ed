export type { EpisodeArtifacts, EpisodeArtifactsOptions, EpisodeDocument, WrittenArtifact } from './episode-log.js'
export {
  canonicalSteps,
  EPISODE_LOG_FORMAT,
  readEpisodeTrace,
  writeEpisodeArtifacts,
} from './episode-log.js'
export type { ArtifactErrorCode, ArtifactErrorMeta } from './errors.js'
export { ARTIFACT_ERROR_CODES, ARTIFACT_ERROR_FIXES, ArtifactError } from './errors.js'
export type { FolderArtifactStoreInit } from './folder-store.js'
export { createFolderArtifactStore } from './folder-store.js'
export type { EpisodeKeyParts } from './keys.js'
export { assertValidKey, episodeKeyPrefix } from './keys.js'
export type { S3ArtifactStoreInit, S3ChecksumMode, S3ConnectionOptions } from './s3-store.js'
export { createS3ArtifactStore, defaultChecksumMode } from './s3-store.js'
export type {
  ArtifactInfo,
  ArtifactListOptions,
  ArtifactMeta,
  ArtifactOpOptions,
  ArtifactStore,
} from './types.js'
export type { EncodedVideo, VideoInput } from './video.js'
export { encodeMp4 } from './video.js'
