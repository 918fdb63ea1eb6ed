import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { EpisodeOutcome, EpisodeTrace, StepRecord } from '../episode/types.js'
import { ArtifactError } from './errors.js'
import { assertValidPrefix, joinKey } from './keys.js'
import type { ArtifactOpOptions, ArtifactStore } from './types.js'
import { encodeMp4, type VideoInput } from './video.js'

/** Version tag inside `episode.json`. */
export const EPISODE_LOG_FORMAT = 'kinitro-episode/1'
export const EPISODE_FILE = 'episode.json'
export const STEPS_FILE = 'steps.jsonl.gz'
export const SNAPSHOTS_FILE = 'snapshots.json.gz'

/** Options of {@link writeEpisodeArtifacts}. */
export interface EpisodeArtifactsOptions extends ArtifactOpOptions {
  /** Frames to encode as `video_<camera>.mp4`. */
  video?: VideoInput
}

/** One written file. */
export interface WrittenArtifact {
  key: string
  uri: string
  sha256: string
  bytes: number
}

/** What {@link writeEpisodeArtifacts} returns. */
export interface EpisodeArtifacts {
  episode: WrittenArtifact
  steps: WrittenArtifact
  snapshots?: WrittenArtifact
  video?: WrittenArtifact & { camera: string; frames: number }
  /** SHA-256 of the canonical (uncompressed) steps JSONL: 32 bytes for `Result.trajectory_digest`. */
  trajectoryDigest: Uint8Array
}

/** The JSON document stored as `episode.json`. */
export interface EpisodeDocument {
  format: typeof EPISODE_LOG_FORMAT
  outcome: EpisodeOutcome
  versions: { simulator: string; node: string }
  initialStateHash: string
  snapshotEvery: number
  stepCount: number
  /** Hex of {@link EpisodeArtifacts.trajectoryDigest}. */
  trajectoryDigest: string
  /** Every other file of the episode with its SHA-256, so a signed result that commits to this file commits to all. */
  files: Record<string, { sha256: string; bytes: number; camera?: string; frames?: number; fps?: number }>
}

/**
 * The canonical steps file: one StepRecord per line, keys in a fixed order and action maps sorted, so the same
 * steps always give the same bytes. The trajectory digest is taken over these bytes, before gzip, so it
 * does not depend on the zlib build.
 */
export function canonicalSteps(steps: readonly StepRecord[]): Uint8Array {
  const lines = steps.map((s) =>
    JSON.stringify({
      t: s.t,
      action: {
        continuous: sorted(s.action.continuous),
        discrete: sorted(s.action.discrete),
        extra: canonical(s.action.extra),
      },
      reward: s.reward,
      success: s.success,
      latencyMs: s.latencyMs,
      stateHash: s.stateHash,
    }),
  )
  return new TextEncoder().encode(lines.map((l) => `${l}\n`).join(''))
}

/**
 * Writes one episode under `keyPrefix` (see `episodeKeyPrefix`): `steps.jsonl.gz`, `snapshots.json.gz` when
 * there are snapshots, `video_<camera>.mp4` when frames are given, and `episode.json` last, so its presence
 * means the episode is complete.
 */
export async function writeEpisodeArtifacts(
  store: ArtifactStore,
  keyPrefix: string,
  trace: EpisodeTrace,
  opts: EpisodeArtifactsOptions = {},
): Promise<EpisodeArtifacts> {
  assertValidPrefix(keyPrefix)
  const op = opts.signal ? { signal: opts.signal } : {}
  const canonicalBytes = canonicalSteps(trace.steps)
  const trajectoryDigest = new Uint8Array(createHash('sha256').update(canonicalBytes).digest())
  const files: EpisodeDocument['files'] = {}
  const put = async (name: string, body: Uint8Array, contentType: string): Promise<WrittenArtifact> => {
    const key = joinKey(keyPrefix, name)
    const info = await store.put(key, body, { contentType }, op)
    const sha256 = info.sha256 ?? sha256Hex(body)
    files[name] = { sha256, bytes: body.length }
    return { key, uri: store.uri(key), sha256, bytes: body.length }
  }

  // mtime 0 is Node's default gzip header, so equal steps give equal stored bytes too (same zlib).
  const steps = await put(STEPS_FILE, gzipSync(canonicalBytes), 'application/gzip')
  const out: EpisodeArtifacts = { episode: steps, steps, trajectoryDigest }
  if (trace.snapshots.length > 0) {
    out.snapshots = await put(SNAPSHOTS_FILE, gzipSync(JSON.stringify(trace.snapshots)), 'application/gzip')
  }
  if (opts.video) {
    const camera = opts.video.camera ?? 'main'
    if (!/^[A-Za-z0-9_-]{1,64}$/u.test(camera)) {
      throw new ArtifactError(
        { code: 'EVAL_ARTIFACT_VIDEO_FAILED', camera, reason: 'bad camera name' },
        'bad camera name',
      )
    }
    const video = await encodeMp4(opts.video)
    const name = `video_${camera}.mp4`
    const written = await put(name, video.mp4, 'video/mp4')
    files[name] = {
      ...(files[name] as { sha256: string; bytes: number }),
      camera,
      frames: video.frames,
      fps: video.fps,
    }
    out.video = { ...written, camera, frames: video.frames }
  }
  const doc: EpisodeDocument = {
    format: EPISODE_LOG_FORMAT,
    outcome: trace.outcome,
    versions: {
      simulator: `${trace.outcome.simulator.name}@${trace.outcome.simulator.version}`,
      node: process.versions.node,
    },
    initialStateHash: trace.initialStateHash,
    snapshotEvery: trace.snapshotEvery,
    stepCount: trace.steps.length,
    trajectoryDigest: Buffer.from(trajectoryDigest).toString('hex'),
    files,
  }
  out.episode = await put(EPISODE_FILE, new TextEncoder().encode(JSON.stringify(doc, null, 2)), 'application/json')
  return out
}

/**
 * Reads an episode back, checking every file against the SHA-256 recorded in `episode.json` and the steps
 * against the trajectory digest.
 *
 * @throws {@link ArtifactError} `EVAL_ARTIFACT_NOT_FOUND`, `EVAL_ARTIFACT_TRACE_INVALID`.
 */
export async function readEpisodeTrace(
  store: ArtifactStore,
  keyPrefix: string,
  opts: ArtifactOpOptions = {},
): Promise<EpisodeTrace & { document: EpisodeDocument }> {
  assertValidPrefix(keyPrefix)
  const op = opts.signal ? { signal: opts.signal } : {}
  const episodeKey = joinKey(keyPrefix, EPISODE_FILE)
  const invalid = (reason: string) =>
    new ArtifactError({ code: 'EVAL_ARTIFACT_TRACE_INVALID', key: episodeKey, reason }, `episode log: ${reason}`)
  let doc: EpisodeDocument
  try {
    doc = JSON.parse(new TextDecoder().decode(await store.get(episodeKey, op))) as EpisodeDocument
  } catch (err) {
    if (err instanceof ArtifactError) throw err
    throw invalid('episode.json is not JSON')
  }
  if (doc?.format !== EPISODE_LOG_FORMAT) throw invalid(`unknown format ${String(doc?.format)}`)
  const read = async (name: string): Promise<Uint8Array> => {
    const expected = doc.files[name]
    if (!expected) throw invalid(`${name} is not listed`)
    const body = await store.get(joinKey(keyPrefix, name), op)
    if (sha256Hex(body) !== expected.sha256) throw invalid(`${name} does not match its sha256`)
    return body
  }
  const canonicalBytes = gunzipSync(await read(STEPS_FILE))
  if (sha256Hex(canonicalBytes) !== doc.trajectoryDigest) throw invalid('steps do not match the trajectory digest')
  const text = new TextDecoder().decode(canonicalBytes)
  const steps =
    text === ''
      ? []
      : (text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l)) as StepRecord[])
  if (steps.length !== doc.stepCount) throw invalid('step count differs')
  const snapshots = doc.files[SNAPSHOTS_FILE]
    ? (JSON.parse(gunzipSync(await read(SNAPSHOTS_FILE)).toString('utf8')) as string[])
    : []
  return {
    outcome: doc.outcome,
    initialStateHash: doc.initialStateHash,
    steps,
    snapshotEvery: doc.snapshotEvery,
    snapshots,
    document: doc,
  }
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(o ?? {})
      .sort()
      .map((k) => [k, o[k] as T]),
  )
}

/** JSON value with object keys sorted at every depth. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    )
  }
  return v
}
