import {
  ArtifactError,
  type EnvironmentFactory,
  type EpisodeTrace,
  readEpisodeTrace,
  replayFrames,
  type TaskConfig,
} from '#evaluator'
import { type Logger, silentLogger } from '#protocol'
import type { EpisodeRow, IndexerStore, ResultRow } from '../store/types.js'
import { DEFAULT_CACHE_FRAMES, DEFAULT_MAX_REPLAY_STEPS, DEFAULT_REPLAY_TIMEOUT_MS, EPISODE_PAGE } from './constants.js'
import { buildReplayDocument } from './document.js'
import { corrupt, ReplayError } from './errors.js'
import { WeightedLru } from './lru.js'
import type { ReplayMetrics, ReplayOutcome } from './metrics.js'
import { type ArtifactReader, ArtifactTooLargeError } from './readers.js'
import type { ReplayDocument, ReplaySource } from './types.js'

/** Inputs of {@link createReplaySource}. */
export interface ReplaySourceInit {
  /** Only the reads a replay needs: the result, its signed episodes, the competition's task parameters. */
  store: Pick<IndexerStore, 'result' | 'episodes' | 'competition'>
  /** One per URI kind: `folderArtifactReader`, `s3ArtifactReader`, `httpArtifactReader`. */
  readers: readonly ArtifactReader[]
  /** Environments to re-simulate in, e.g. `createBuiltinEnvironmentFactory()`. */
  environments: EnvironmentFactory
  /** @default silentLogger */
  logger?: Logger
  metrics?: ReplayMetrics
  /** Frames the document cache holds, summed over documents. @default DEFAULT_CACHE_FRAMES (50000) */
  cacheFrames?: number
  /** Longest episode replayed. @default DEFAULT_MAX_REPLAY_STEPS (10000) */
  maxSteps?: number
  /** Deadline for one replay (fetch, digests, re-simulation). @default DEFAULT_REPLAY_TIMEOUT_MS (30000) */
  timeoutMs?: number
}

/** A {@link ReplaySource} that also releases its readers. */
export interface ClosableReplaySource extends ReplaySource {
  close(): Promise<void>
}

/** The reason a replay is unavailable; logged at debug, answered as `undefined`. */
class Missing {
  readonly reason: string
  constructor(reason: string) {
    this.reason = reason
  }
}

/**
 * Replays from the validators' stored traces: the result row's `artifactUris[index]` → `episode.json` and
 * its steps through the reader for the URI's protocol (every file checked against the digests in
 * `episode.json`) → the episode checked against the signed result's episode record → re-simulated in the
 * built-in environment, whose state chain must end at the signed `finalStateHash`. So a document always
 * shows the episode the validator signed. Concurrent requests for one episode share one build; built
 * documents stay in an LRU cache bounded by frames.
 *
 * Missing or unreadable traces answer `undefined` (debug log). Traces that are there but fail a check throw
 * `INDEXER_REPLAY_CORRUPT`; a replay past `timeoutMs` throws `INDEXER_REPLAY_TIMEOUT`.
 *
 * @example
 * ```ts
 * const replays = createReplaySource({ store, environments: createBuiltinEnvironmentFactory(),
 *   readers: [folderArtifactReader({ roots: ['/var/lib/kinitro'] }), httpArtifactReader()] })
 * const doc = await replays.replay(resultId, 0)
 * ```
 */
export function createReplaySource(init: ReplaySourceInit): ClosableReplaySource {
  const log = (init.logger ?? silentLogger).child('indexer:replay')
  const maxSteps = init.maxSteps ?? DEFAULT_MAX_REPLAY_STEPS
  const timeoutMs = init.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS
  const cache = new WeightedLru<ReplayDocument>(init.cacheFrames ?? DEFAULT_CACHE_FRAMES, (d) => d.frames.length + 1)
  const inflight = new Map<string, Promise<ReplayDocument | undefined>>()
  const count = (outcome: ReplayOutcome) => init.metrics?.requests.inc({ outcome })

  async function episodeRow(resultId: string, index: number): Promise<EpisodeRow | undefined> {
    let cursor: string | undefined
    do {
      const page = await init.store.episodes({ resultId, limit: EPISODE_PAGE, ...(cursor ? { cursor } : {}) })
      const row = page.items.find((e) => e.episodeIndex === index)
      if (row !== undefined) return row
      cursor = page.nextCursor
    } while (cursor !== undefined)
    return undefined
  }

  async function readTrace(result: ResultRow, index: number, signal: AbortSignal): Promise<EpisodeTrace | Missing> {
    const uri = result.artifactUris[index]
    if (uri === undefined) return new Missing('the result lists no trace for this episode')
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      return new Missing('artifact URI does not parse')
    }
    const reader = init.readers.find((r) => r.protocols.includes(url.protocol))
    if (reader === undefined) return new Missing(`no reader for ${url.protocol}`)
    const at = reader.locate(url)
    if (at === undefined) return new Missing('the reader refuses this URI')
    try {
      return await readEpisodeTrace(at.store, at.prefix, { signal })
    } catch (err) {
      if (signal.aborted) throw err
      if (err instanceof ArtifactTooLargeError) return new Missing('a trace file is over the size limit')
      if (err instanceof ArtifactError) {
        if (err.code === 'EVAL_ARTIFACT_TRACE_INVALID' || err.code === 'EVAL_ARTIFACT_DIGEST_MISMATCH') {
          throw corrupt(
            result.messageId,
            index,
            err.meta.code === 'EVAL_ARTIFACT_TRACE_INVALID' ? err.meta.reason : err.code,
            err,
          )
        }
        return new Missing(`trace unreadable (${err.code})`)
      }
      // Files that match their digests but do not decode: written that way.
      throw corrupt(result.messageId, index, 'trace files do not decode', err)
    }
  }

  async function build(resultId: string, index: number, signal: AbortSignal): Promise<ReplayDocument | Missing> {
    const result = await init.store.result(resultId)
    if (result === undefined) return new Missing('unknown result')
    const trace = await readTrace(result, index, signal)
    if (trace instanceof Missing) return trace
    const signed = await episodeRow(resultId, index)
    if (signed === undefined) return new Missing('the result has no such episode')
    // episode.json is not signed; its outcome must be the signed record before anything of it is shown.
    const o = trace.outcome
    if (
      o?.episodeIndex !== index ||
      o.envId !== signed.envId ||
      o.taskId !== signed.taskId ||
      String(o.seed) !== signed.seed ||
      o.success !== signed.success ||
      (o.error ?? null) !== signed.error ||
      o.steps !== signed.steps ||
      trace.steps.length !== signed.steps ||
      o.finalStateHash !== signed.finalStateHash
    ) {
      throw corrupt(resultId, index, 'the trace is not the episode the result signed')
    }
    if (o.driver === 'container' || trace.initialStateHash === '') return new Missing('episode is not replayable')
    if (trace.steps.length > maxSteps) return new Missing('episode longer than maxSteps')
    const spec = init.environments.list().find((s) => s.envId === o.envId)
    if (spec === undefined) return new Missing('environment not available here')
    if (spec.simulator.name !== o.simulator?.name || spec.simulator.version !== o.simulator?.version) {
      return new Missing('recorded with another simulator build')
    }
    const competition = await init.store.competition(result.competitionId)
    const params = competition?.tasks.find((t) => t.taskId === o.taskId && t.envId === o.envId)?.params ?? {}
    const task: TaskConfig = { envId: o.envId, taskId: o.taskId, seed: o.seed, params }
    const env = await init.environments.create(o.envId, { cameras: [] })
    let replayed: Awaited<ReturnType<typeof replayFrames>>
    try {
      replayed = await replayFrames(
        env,
        task,
        trace.steps.map((s) => s.action),
        { signal },
      )
    } catch (err) {
      if (signal.aborted) throw err
      throw corrupt(resultId, index, 'the recorded actions do not re-simulate', err)
    } finally {
      await env.close()
    }
    // A different reset means different task parameters (the manifest changed since), not a bad trace.
    if (replayed.initialStateHash !== trace.initialStateHash) return new Missing('reset state differs')
    if (replayed.finalStateHash !== o.finalStateHash) {
      throw corrupt(resultId, index, 're-simulation does not reach the signed final state')
    }
    return buildReplayDocument({ resultId, episode: signed, frames: replayed.frames })
  }

  async function timedBuild(resultId: string, index: number): Promise<ReplayDocument | undefined> {
    const timeout = AbortSignal.timeout(timeoutMs)
    const end = init.metrics?.build.startTimer()
    try {
      // Raced as well as passed down: store reads take no signal, and must not outlive the deadline either.
      const out = await raceAbort(build(resultId, index, timeout), timeout)
      if (out instanceof Missing) {
        log.debug('replay unavailable', { resultId, episodeIndex: index, reason: out.reason })
        count('missing')
        return undefined
      }
      cache.set(`${resultId}/${index}`, out)
      count('built')
      return out
    } catch (err) {
      if (timeout.aborted) {
        count('timeout')
        throw new ReplayError(
          { code: 'INDEXER_REPLAY_TIMEOUT', resultId, episodeIndex: index, timeoutMs },
          `replay took longer than ${timeoutMs} ms`,
        )
      }
      const isCorrupt = err instanceof ReplayError && err.code === 'INDEXER_REPLAY_CORRUPT'
      count(isCorrupt ? 'corrupt' : 'failed')
      log.debug('replay failed', { resultId, episodeIndex: index, code: (err as ReplayError).code })
      throw err
    } finally {
      end?.()
    }
  }

  return {
    async replay(resultId, episodeIndex, opts = {}) {
      opts.signal?.throwIfAborted()
      if (!Number.isSafeInteger(episodeIndex) || episodeIndex < 0) return undefined
      const key = `${resultId}/${episodeIndex}`
      const hit = cache.get(key)
      if (hit !== undefined) {
        count('cached')
        return hit
      }
      let pending = inflight.get(key)
      if (pending === undefined) {
        pending = timedBuild(resultId, episodeIndex).finally(() => inflight.delete(key))
        // Callers that stopped waiting must not turn a later failure into an unhandled rejection.
        pending.catch(() => {})
        inflight.set(key, pending)
      }
      return opts.signal === undefined ? pending : raceAbort(pending, opts.signal)
    },
    async close() {
      for (const r of init.readers) await r.close?.()
    },
  }
}

/** `p`, or the signal's reason when it aborts first; the shared build keeps running for other callers. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}
