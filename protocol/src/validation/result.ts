import {
  MAX_ARTIFACT_URI_BYTES,
  MAX_ARTIFACT_URIS,
  MAX_ENVS_PER_RESULT,
  MAX_EPISODE_ERROR_BYTES,
  MAX_EPISODE_STEPS,
  MAX_EPISODES_PER_RESULT,
} from '../constants.js'
import type { EnvSummary, EpisodeRecord, Result, ResultSummary } from '../proto/kinitro.js'
import { ValidationError } from './errors.js'
import {
  type ContentContext,
  checkBlock,
  checkFinite,
  checkFixedBytes,
  checkFreshness,
  checkId,
  checkInt,
  checkNetuid,
  checkText,
  checkU64,
  checkUnit,
  invalid,
} from './fields.js'

// Means may be summed in another order by another evaluator build; 1e-9 relative absorbs that and
// nothing a cheater could use.
const MEAN_TOLERANCE = 1e-9

const EMPTY = new Uint8Array(0)

function inconsistent(field: string): never {
  throw new ValidationError('MESH_RESULT_INCONSISTENT', { field })
}

interface Tally {
  episodes: number
  successes: number
  rewardSum: number
}

function tally(records: readonly EpisodeRecord[]): Tally {
  let successes = 0
  let rewardSum = 0
  for (const r of records) {
    if (r.success) successes++
    rewardSum += r.totalReward
  }
  return { episodes: records.length, successes, rewardSum }
}

type Stats = Pick<
  ResultSummary | EnvSummary,
  'episodes' | 'successes' | 'successRate' | 'wilsonLow' | 'wilsonHigh' | 'meanReward'
>

function checkStats(field: string, s: Stats, t: Tally): void {
  if (s.episodes !== t.episodes) inconsistent(`${field}.episodes`)
  if (s.successes !== t.successes) inconsistent(`${field}.successes`)
  // The same IEEE division on the same integers gives the same double everywhere.
  if (s.successRate !== t.successes / t.episodes) inconsistent(`${field}.successRate`)
  checkUnit(`${field}.wilsonLow`, s.wilsonLow)
  checkUnit(`${field}.wilsonHigh`, s.wilsonHigh)
  if (!(s.wilsonLow <= s.successRate && s.successRate <= s.wilsonHigh)) inconsistent(`${field}.wilson`)
  checkFinite(`${field}.meanReward`, s.meanReward)
  const mean = t.rewardSum / t.episodes
  if (Math.abs(s.meanReward - mean) > MEAN_TOLERANCE * Math.max(1, Math.abs(mean))) {
    inconsistent(`${field}.meanReward`)
  }
}

function checkEpisodes(episodes: readonly EpisodeRecord[]): Map<string, EpisodeRecord[]> {
  if (episodes.length === 0 || episodes.length > MAX_EPISODES_PER_RESULT) {
    invalid('episodes', { actual: episodes.length, limit: MAX_EPISODES_PER_RESULT })
  }
  const indices = new Set<number>()
  const byEnv = new Map<string, EpisodeRecord[]>()
  for (const [i, e] of episodes.entries()) {
    checkId(`episodes[${i}].envId`, e.envId)
    checkId(`episodes[${i}].taskId`, e.taskId)
    checkInt(`episodes[${i}].episodeIndex`, e.episodeIndex, 0, MAX_EPISODES_PER_RESULT - 1)
    if (indices.has(e.episodeIndex)) invalid(`episodes[${i}].episodeIndex`)
    indices.add(e.episodeIndex)
    checkU64(`episodes[${i}].seed`, e.seed)
    checkFinite(`episodes[${i}].totalReward`, e.totalReward)
    checkInt(`episodes[${i}].steps`, e.steps, 0, MAX_EPISODE_STEPS)
    if (e.error !== undefined) checkText(`episodes[${i}].error`, e.error, MAX_EPISODE_ERROR_BYTES)
    // Empty is legitimate (an error before the first step, or a container-driven episode whose container
    // sent no hash), and the record carries nothing that tells those cases apart, so only the length is
    // checked here; replicas reporting different hashes show up in scoring/mesh `compareReplicas`. A record
    // built in code without the field encodes as empty, so it is checked as empty.
    const hash = e.finalStateHash ?? EMPTY
    if (hash.length !== 0) checkFixedBytes(`episodes[${i}].finalStateHash`, hash)
    const list = byEnv.get(e.envId)
    if (list === undefined) byEnv.set(e.envId, [e])
    else list.push(e)
  }
  return byEnv
}

/**
 * Content rules of a result: bounded, well-formed episode records with unique episode indices; a
 * summary and per-environment summaries that match the records exactly (counts, success rates) or
 * within rounding (mean rewards), Wilson bounds around the rate; 32-byte digests (an episode's
 * `finalStateHash` may also be empty); bounded artifact URIs;
 * `started ≤ finished ≤ block`.
 */
export function validateResult(r: Result, ctx: ContentContext): void {
  checkNetuid(r.netuid, ctx)
  checkFreshness('result', r.block, ctx)
  checkFixedBytes('jobId', r.jobId)
  checkId('competitionId', r.competitionId)
  checkFixedBytes('minerHotkey', r.minerHotkey)
  const byEnv = checkEpisodes(r.episodes)
  if (r.summary === undefined) invalid('summary')
  checkStats('summary', r.summary, tally(r.episodes))
  const perEnv = r.summary.perEnv
  if (perEnv.length > MAX_ENVS_PER_RESULT)
    invalid('summary.perEnv', { actual: perEnv.length, limit: MAX_ENVS_PER_RESULT })
  if (perEnv.length !== byEnv.size) inconsistent('summary.perEnv')
  const seen = new Set<string>()
  for (const [i, env] of perEnv.entries()) {
    const records = byEnv.get(env.envId)
    if (records === undefined || seen.has(env.envId)) inconsistent(`summary.perEnv[${i}].envId`)
    seen.add(env.envId)
    checkStats(`summary.perEnv[${i}]`, env, tally(records))
  }
  checkFixedBytes('trajectoryDigest', r.trajectoryDigest)
  if (r.artifactUris.length > MAX_ARTIFACT_URIS)
    invalid('artifactUris', { actual: r.artifactUris.length, limit: MAX_ARTIFACT_URIS })
  for (const [i, uri] of r.artifactUris.entries()) {
    checkText(`artifactUris[${i}]`, uri, MAX_ARTIFACT_URI_BYTES, true)
    if (/\s/.test(uri)) invalid(`artifactUris[${i}]`)
  }
  checkId('evaluatorVersion', r.evaluatorVersion)
  checkId('simulatorVersion', r.simulatorVersion)
  checkBlock('startedAtBlock', r.startedAtBlock)
  checkBlock('finishedAtBlock', r.finishedAtBlock)
  if (r.startedAtBlock > r.finishedAtBlock) invalid('startedAtBlock')
  if (r.finishedAtBlock > r.block) invalid('finishedAtBlock')
}
