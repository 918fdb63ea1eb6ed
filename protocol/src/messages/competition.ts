import { sealEnvelope } from '../envelope/envelope.js'
import type { Signer } from '../identity/signer.js'
import type { CompetitionManifest } from '../proto/kinitro.js'

/** One task of a manifest, with parameters as a plain object. */
export interface TaskInit {
  envId: string
  taskId: string
  /**
   * Task parameters; encoded in sorted key order so equal manifests encode equally.
   * @default {}
   */
  params?: Record<string, string>
}

/** Inputs of {@link createCompetitionManifest}. */
export interface CompetitionManifestInit {
  netuid: number
  /** Block the manifest is made at. */
  block: number
  id: string
  name: string
  tasks: TaskInit[]
  episodesPerTask: number
  maxSteps: number
  /** Scoring strategy name and numeric parameters (sorted like task parameters). */
  scoring: { strategy: string; params?: Record<string, number> }
  startBlock: number
  /**
   * Last block of the competition; 0 for open-ended.
   * @default 0
   */
  endBlock?: number
  /** Share of emissions relative to other active competitions (≥ 1). */
  points: number
  cycleLengthBlocks: number
}

function sortedMap<V>(obj: Record<string, V> | undefined): Map<string, V> {
  return new Map(Object.entries(obj ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Build a competition manifest from plain data. Seal it with {@link signCompetitionManifest}. */
export function createCompetitionManifest(init: CompetitionManifestInit): CompetitionManifest {
  return {
    netuid: init.netuid,
    block: init.block,
    id: init.id,
    name: init.name,
    tasks: init.tasks.map((t) => ({ envId: t.envId, taskId: t.taskId, params: sortedMap(t.params) })),
    episodesPerTask: init.episodesPerTask,
    maxSteps: init.maxSteps,
    scoring: { strategy: init.scoring.strategy, params: sortedMap(init.scoring.params) },
    startBlock: init.startBlock,
    endBlock: init.endBlock ?? 0,
    points: init.points,
    cycleLengthBlocks: init.cycleLengthBlocks,
  }
}

/**
 * Seal a manifest with the subnet owner's hotkey (sr25519).
 *
 * @returns envelope bytes for the `competitions` topic.
 * @throws ValidationError when the signer is not sr25519 or the manifest breaks a content rule.
 */
export function signCompetitionManifest(manifest: CompetitionManifest, ownerSigner: Signer): Uint8Array {
  return sealEnvelope('competition-manifest', manifest, manifest.netuid, ownerSigner)
}
