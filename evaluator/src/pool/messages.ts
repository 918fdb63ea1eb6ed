import type { EpisodeTrace } from '../episode/types.js'
import type { ModuleRef, PoolEpisodeRequest } from './types.js'

/** What a worker is started with (`workerData`). */
export interface WorkerInit {
  envModule: ModuleRef
  /** Maker of policy clients: `(endpoint, { limits }) => PolicyClient`; default the HTTP client. */
  policyModule?: ModuleRef
  progressEvery: number
}

export type ToWorker = { type: 'run'; id: number; req: PoolEpisodeRequest } | { type: 'cancel'; id: number }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; steps: number; success: boolean }
  | { type: 'done'; id: number; trace: EpisodeTrace }
