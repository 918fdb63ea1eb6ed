/**
 * Episode replay for the dashboard: a stored per-step trace (the evaluator's episode artifacts, which the
 * result's `artifact_uris` point at) re-simulated into positions the page can draw step by step.
 */

/** One drawable step. */
export interface ReplayFrame {
  /** Step index, 0 = after reset. */
  t: number
  reward: number
  success: boolean
  /** Named points in world coordinates (metres), e.g. `effector`, `target`, `object`. */
  points: Record<string, [number, number, number]>
}

/** Everything the dashboard needs to draw one episode. */
export interface ReplayDocument {
  resultId: string
  episodeIndex: number
  envId: string
  taskId: string
  seed: string
  success: boolean
  /** First step with `success`, or null when the episode never succeeded. */
  successStep: number | null
  /** Failure code when the episode failed with one; the last frame marks the moment. */
  error: string | null
  /** Scene bounds for drawing (min and max corners), metres. */
  bounds: { min: [number, number, number]; max: [number, number, number] }
  frames: ReplayFrame[]
}

/** Where replays come from; undefined when the result has no stored trace for that episode. */
export interface ReplaySource {
  replay(resultId: string, episodeIndex: number, opts?: { signal?: AbortSignal }): Promise<ReplayDocument | undefined>
}
