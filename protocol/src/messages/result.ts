import type { EpisodeRecord, Result, ResultSummary } from '../proto/kinitro.js'

/** Inputs of {@link createResult}. */
export interface ResultInit {
  netuid: number
  /** Block the result is made at (≥ `finishedAtBlock`). */
  block: number
  jobId: Uint8Array
  competitionId: string
  minerHotkey: Uint8Array
  episodes: EpisodeRecord[]
  /** Totals and per-environment figures; validators require them to match `episodes`. */
  summary: ResultSummary
  trajectoryDigest: Uint8Array
  /**
   * Where per-episode artifacts (logs, videos) were stored.
   * @default []
   */
  artifactUris?: string[]
  evaluatorVersion: string
  simulatorVersion: string
  startedAtBlock: number
  finishedAtBlock: number
}

/** Build a result. Seal it with `sealEnvelope('result', r, r.netuid, nodeSigner)`. */
export function createResult(init: ResultInit): Result {
  return { ...init, artifactUris: init.artifactUris ?? [] }
}
