import { join } from 'node:path'
import {
  type ArtifactStore,
  createFolderArtifactStore,
  createS3ArtifactStore,
  type EpisodeTrace,
  type EvaluatorConfig,
  episodeKeyPrefix,
  writeEpisodeArtifacts,
} from '#evaluator'
import { type JobAnnouncement, type Logger, MAX_ARTIFACT_URI_BYTES, MAX_ARTIFACT_URIS } from '#protocol'

/** Key segment used when the caller does not say which validator evaluated (tests, tools). */
export const LOCAL_VALIDATOR_SEGMENT = 'local'

/**
 * The artifact store `config.artifacts` asks for, or undefined when `traces` is off. The folder store lives
 * under the node's data dir (`<dataDir>/<artifacts.dir>`); S3/R2 credentials come from the AWS SDK's
 * standard sources, never from config.
 *
 * @throws ArtifactError `EVAL_ARTIFACT_CONFIG_INVALID` for an S3 store without a bucket (at startup, not per job).
 */
export function artifactStoreFromConfig(
  config: EvaluatorConfig,
  dataDir: string,
  logger: Logger,
): ArtifactStore | undefined {
  const a = config.artifacts
  if (!a.traces) return undefined
  if (a.kind === 'folder') return createFolderArtifactStore({ root: join(dataDir, a.dir), logger })
  return createS3ArtifactStore({
    bucket: a.bucket ?? '',
    prefix: a.prefix,
    region: a.region,
    ...(a.endpoint === undefined ? {} : { endpoint: a.endpoint }),
    forcePathStyle: a.forcePathStyle,
    checksumMode: a.checksum,
    logger,
  })
}

/** Inputs of {@link storeEpisodeArtifacts}. */
export interface StoreEpisodeArtifactsInit {
  store: ArtifactStore
  announcement: JobAnnouncement
  /** One trace per episode, in episode order (`evaluateJob` with `keepTraces`). */
  traces: readonly EpisodeTrace[]
  /** Validator id for the key (SS58 hotkey). @default LOCAL_VALIDATOR_SEGMENT */
  validator?: string
  logger: Logger
  signal?: AbortSignal
}

/**
 * Writes every episode of a job with `writeEpisodeArtifacts` under `runs/<validator>/<cycle>/<miner_uid>/
 * <env>/<seed>/` and returns the `episode.json` URIs in episode order, for the result's `artifact_uris`.
 * A signed result carries at most `MAX_ARTIFACT_URIS`, so episodes past that are stored but not listed.
 * Never throws: a failed write (or a URI the result could not carry) logs a warning and returns
 * undefined, and the result goes out without URIs rather than not at all.
 */
export async function storeEpisodeArtifacts(init: StoreEpisodeArtifactsInit): Promise<string[] | undefined> {
  const a = init.announcement
  const validator = init.validator ?? LOCAL_VALIDATOR_SEGMENT
  const uris: string[] = []
  try {
    for (const trace of init.traces) {
      const o = trace.outcome
      const prefix = episodeKeyPrefix({
        validator,
        cycle: a.cycle,
        minerUid: a.minerUid,
        envId: keySegment(o.envId),
        seed: o.seed,
      })
      const written = await writeEpisodeArtifacts(init.store, prefix, trace, init.signal ? { signal: init.signal } : {})
      uris.push(written.episode.uri)
    }
  } catch (err) {
    init.logger.warn('episode artifacts not stored; publishing without URIs', { store: init.store.kind }, err)
    return undefined
  }
  const listed = uris.slice(0, MAX_ARTIFACT_URIS)
  const bad = listed.find((u) => Buffer.byteLength(u, 'utf8') > MAX_ARTIFACT_URI_BYTES || /\s/u.test(u))
  if (bad !== undefined) {
    // The result validator would refuse the whole result; a shorter data dir or bucket prefix fixes it.
    init.logger.warn('artifact URI too long for a result; publishing without URIs', {
      bytes: Buffer.byteLength(bad, 'utf8'),
      limit: MAX_ARTIFACT_URI_BYTES,
    })
    return undefined
  }
  if (uris.length > listed.length) {
    init.logger.debug('episodes past the URI limit stored but not listed', {
      episodes: uris.length,
      listed: listed.length,
    })
  }
  return listed
}

/** Env ids hold `/` (`mujoco/reach-v1`), which would nest keys; one key segment per env. */
function keySegment(envId: string): string {
  return envId.replace(/[^A-Za-z0-9._-]/gu, '_')
}
