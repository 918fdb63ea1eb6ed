import type { MessageBodies, MessageType } from '../messages/types.js'
import { validateCompetitionManifest } from './competition-manifest.js'
import type { ContentContext } from './fields.js'
import { validateJobAnnouncement } from './job-announcement.js'
import { validateJobStatus } from './job-status.js'
import { validateOwnerAction } from './owner-action.js'
import { validatePeerRecord } from './peer-record.js'
import { validateResult } from './result.js'
import { validateWeightsAnnouncement } from './weights-announcement.js'

const VALIDATORS: { [K in MessageType]: (body: MessageBodies[K], ctx: ContentContext) => void } = {
  'peer-record': validatePeerRecord,
  'competition-manifest': validateCompetitionManifest,
  'job-announcement': validateJobAnnouncement,
  'job-status': validateJobStatus,
  result: validateResult,
  'weights-announcement': validateWeightsAnnouncement,
  'owner-action': validateOwnerAction,
}

/**
 * Run the content rules of a message type on a decoded body. Pure: no I/O, no clock other than
 * `ctx.headBlock`. Throws a `ValidationError` on the first broken rule.
 */
export function validateContent<T extends MessageType>(type: T, body: MessageBodies[T], ctx: ContentContext): void {
  VALIDATORS[type](body, ctx)
}
