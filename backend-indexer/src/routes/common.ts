import { ApiError } from '../errors.js'
import type { ScoreSnapshot, ScoresView } from '../scores/types.js'

/** The newest score snapshot, or a 404 `API_SCORES_UNAVAILABLE` before the first computation. */
export function requireSnapshot(scores: ScoresView): ScoreSnapshot {
  const snap = scores.current()
  if (snap === undefined) {
    throw new ApiError({ code: 'API_SCORES_UNAVAILABLE' }, 'no score snapshot yet: the indexer has not scored')
  }
  return snap
}

/** A 404 `API_NOT_FOUND` for `resource` `id` (ids come from validated params, so they are safe to echo). */
export function notFound(resource: string, id: string): ApiError {
  return new ApiError({ code: 'API_NOT_FOUND', resource, id }, `${resource} ${id} not found`)
}
