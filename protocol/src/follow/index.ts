/**
 * Following the mesh (design §5–§6): what every peer that validates the mesh's traffic beyond the pure
 * rules needs — validators and the indexer's observer alike. The chain view the gossip validators read,
 * accepted manifests, the job book (rankings, statuses, take-over holders), ingest semantics (jobs must be
 * derivable, results and statuses must come from a holder) and catch-up over the sync protocols.
 */
export type { JobBook, KnownJob } from './book.js'
export { createJobBook, familiesOf, JOB_BOOK_LIMITS } from './book.js'
export type { CatchUpLoop, CatchUpLoopInit, CatchUpReport } from './catch-up.js'
export { CATCH_UP_EVERY_BLOCKS, createCatchUpLoop, SYNC_OVERLAP_BLOCKS } from './catch-up.js'
export type { Ingest, IngestInit, IngestLog, IngestLogEntry, IngestLogPage, PeerProfile } from './ingest.js'
export { createIngest } from './ingest.js'
export type { ManifestRegistry } from './manifests.js'
export { createManifestRegistry } from './manifests.js'
export type { OwnerActionBook, OwnerActionBookInit } from './owner-actions.js'
export { createOwnerActionBook, OWNER_ACTION_LIMITS } from './owner-actions.js'
export type { ChainView, ChainViewInit } from './view.js'
export { createChainView } from './view.js'
