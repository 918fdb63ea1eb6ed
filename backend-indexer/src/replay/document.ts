import type { EpisodeFrame } from '#evaluator'
import type { EpisodeRow } from '../store/types.js'
import type { ReplayDocument, ReplayFrame } from './types.js'

type Vec3 = [number, number, number]

/**
 * The dashboard's document for one re-simulated episode: identity, success and error from the signed
 * episode record, frames from the re-simulation.
 */
export function buildReplayDocument(init: {
  resultId: string
  episode: EpisodeRow
  frames: readonly EpisodeFrame[]
}): ReplayDocument {
  const e = init.episode
  const frames: ReplayFrame[] = init.frames.map((f) => ({
    t: f.t,
    reward: f.reward,
    success: f.success,
    points: f.points,
  }))
  // Tied to the signed outcome: an episode that touched success and then failed (a timeout, say) did not
  // succeed, so it has no success step to mark.
  const successStep = e.success ? (frames.find((f) => f.success)?.t ?? null) : null
  return {
    resultId: init.resultId,
    episodeIndex: e.episodeIndex,
    envId: e.envId,
    taskId: e.taskId,
    seed: e.seed,
    success: e.success,
    successStep,
    error: e.error,
    bounds: boundsOf(frames),
    frames,
  }
}

/** Min and max corners over every point of every frame; the origin when there are none. */
export function boundsOf(frames: readonly ReplayFrame[]): ReplayDocument['bounds'] {
  const min: Vec3 = [Infinity, Infinity, Infinity]
  const max: Vec3 = [-Infinity, -Infinity, -Infinity]
  for (const f of frames) {
    for (const p of Object.values(f.points)) {
      for (let k = 0; k < 3; k++) {
        const v = p[k] as number
        if (!Number.isFinite(v)) continue
        if (v < min[k]!) min[k] = v
        if (v > max[k]!) max[k] = v
      }
    }
  }
  if (!min.every(Number.isFinite)) return { min: [0, 0, 0], max: [0, 0, 0] }
  return { min, max }
}
