import { type EpisodeOutcome, jobEpisodes } from '#evaluator'
import { wilson } from '#protocol'
import { badInput } from './errors.js'
import type { CanaryJob } from './jobs.js'
import { CANARY_DEFAULTS, type CanaryBand } from './policies.js'

/** Why a canary is unhealthy; a closed set, so it can label metrics. */
export const CANARY_REASON_CODES = [
  'evaluation-failed',
  'plan-mismatch',
  'episode-errors',
  'below-floor',
  'above-ceiling',
  'peer-mismatch',
] as const
export type CanaryReasonCode = (typeof CANARY_REASON_CODES)[number]

/** One finding; `envId` is set when the finding is about one env of the competition. */
export interface CanaryReason {
  code: CanaryReasonCode
  policy: string
  envId?: string
  detail: string
}

/** What a validator publishes about one canary episode so peers can compare (no trace, no timings). */
export interface EpisodeFingerprint {
  episodeIndex: number
  envId: string
  taskId: string
  seed: number
  success: boolean
  steps: number
  /** Hex head of the episode's state-hash chain ('' when the env did not produce one). */
  finalStateHash: string
  error?: string
}

/** A canary job and what evaluating it gave: the outcomes, or why there are none. */
export interface CanaryRun {
  job: CanaryJob
  episodes?: readonly EpisodeOutcome[]
  /** Set when the evaluation itself failed (policy would not start, evaluator threw). */
  error?: string
}

/** A peer validator's fingerprints for one of the same canary jobs. */
export interface PeerCanaryReport {
  /** Who reported (hotkey); only used to count peers and name them in the verdict. */
  peer: string
  policy: string
  jobIdHex: string
  episodes: readonly EpisodeFingerprint[]
}

/** Successes over episodes with a Wilson interval. */
export interface RateFigures {
  episodes: number
  successes: number
  successRate: number
  wilsonLow: number
  wilsonHigh: number
}

/** How our deterministic episodes compare with peers that ran the same ones. */
export interface PeerComparison {
  /** Peers that agree on every episode both sides completed. */
  agreeing: string[]
  /** Peers that differ on at least one; the job-wide indices where they differ. */
  disagreeing: { peer: string; episodeIndices: number[] }[]
}

/** The verdict for one reference policy. */
export interface PolicyVerdict extends RateFigures {
  policy: string
  jobIdHex: string
  deterministic: boolean
  band: CanaryBand
  healthy: boolean
  /** Per env in first-seen order. */
  perEnv: (RateFigures & { envId: string })[]
  /** Episodes that ended in a failure code, and how many per code. */
  errored: number
  errorsByCode: Record<string, number>
  /** Our episodes as peers should see them (publish these). */
  fingerprints: EpisodeFingerprint[]
  peers: PeerComparison
  evaluationError?: string
}

/** The verdict for one cycle's canaries. */
export interface CanaryVerdict {
  healthy: boolean
  reasons: CanaryReason[]
  perPolicy: Record<string, PolicyVerdict>
}

/** Options of {@link judgeCanary}. */
export interface JudgeOptions {
  /** Largest tolerated fraction of planned episodes ending in a failure code. @default 0 */
  maxErrorRate?: number
  /** Wilson z. @default 1.96 (95%) */
  z?: number
}

/** The fields peers compare, from an outcome. */
export function fingerprintOf(o: EpisodeOutcome): EpisodeFingerprint {
  const f: EpisodeFingerprint = {
    episodeIndex: o.episodeIndex,
    envId: o.envId,
    taskId: o.taskId,
    seed: o.seed,
    success: o.success,
    steps: o.steps,
    finalStateHash: o.finalStateHash,
  }
  if (o.error !== undefined) f.error = o.error
  return f
}

function rate(list: readonly { success: boolean }[], z: number): RateFigures {
  const successes = list.filter((o) => o.success).length
  const n = list.length
  const ci = wilson(successes, n, z)
  return { episodes: n, successes, successRate: n === 0 ? 0 : successes / n, wilsonLow: ci.low, wilsonHigh: ci.high }
}

const f3 = (x: number) => x.toFixed(3)

function bandReasons(policy: string, band: CanaryBand, r: RateFigures, envId?: string): CanaryReason[] {
  const out: CanaryReason[] = []
  const where = envId === undefined ? {} : { envId }
  const what = `${policy}${envId === undefined ? '' : ` on ${envId}`}: ${r.successes}/${r.episodes} successes`
  if (band.floor !== undefined && r.wilsonHigh < band.floor) {
    out.push({
      code: 'below-floor',
      policy,
      ...where,
      detail: `${what}, Wilson high ${f3(r.wilsonHigh)} < floor ${band.floor}`,
    })
  }
  if (band.ceiling !== undefined && r.wilsonLow > band.ceiling) {
    out.push({
      code: 'above-ceiling',
      policy,
      ...where,
      detail: `${what}, Wilson low ${f3(r.wilsonLow)} > ceiling ${band.ceiling}`,
    })
  }
  return out
}

/** Our planned, completed outcomes: keep those whose index, env, task and seed match the plan. */
function matchPlan(job: CanaryJob, episodes: readonly EpisodeOutcome[]) {
  const plan = jobEpisodes(job)
  const byIndex = new Map<number, EpisodeOutcome[]>()
  for (const o of episodes) byIndex.set(o.episodeIndex, [...(byIndex.get(o.episodeIndex) ?? []), o])
  const valid: EpisodeOutcome[] = []
  const bad: number[] = []
  for (const { index, task } of plan) {
    const got = byIndex.get(index)
    const o = got?.[0]
    byIndex.delete(index)
    if (
      got?.length !== 1 ||
      o === undefined ||
      o.envId !== task.envId ||
      o.taskId !== task.taskId ||
      o.seed !== task.seed
    ) {
      bad.push(index)
    } else valid.push(o)
  }
  for (const index of byIndex.keys()) bad.push(index)
  return { planned: plan.length, valid, bad: bad.sort((a, b) => a - b) }
}

function comparePeers(job: CanaryJob, ours: readonly EpisodeOutcome[], peers: readonly PeerCanaryReport[]) {
  const out: PeerComparison = { agreeing: [], disagreeing: [] }
  // The last report per peer wins (a peer may re-publish after a retry).
  const latest = new Map<string, PeerCanaryReport>()
  for (const p of peers) {
    if (p.policy === job.policy && p.jobIdHex.toLowerCase() === job.jobIdHex) latest.set(p.peer, p)
  }
  for (const [peer, report] of latest) {
    const theirs = new Map(report.episodes.map((e) => [e.episodeIndex, e]))
    let compared = 0
    const differ: number[] = []
    for (const o of ours) {
      const t = theirs.get(o.episodeIndex)
      // Errored episodes say nothing about determinism; the error check judges ours.
      if (t === undefined || o.error !== undefined || t.error !== undefined) continue
      if (t.seed !== o.seed || t.envId !== o.envId || t.taskId !== o.taskId) continue
      compared++
      const hashes = o.finalStateHash !== '' && t.finalStateHash !== ''
      if (t.success !== o.success || t.steps !== o.steps || (hashes && t.finalStateHash !== o.finalStateHash)) {
        differ.push(o.episodeIndex)
      }
    }
    if (compared === 0) continue
    if (differ.length === 0) out.agreeing.push(peer)
    else out.disagreeing.push({ peer, episodeIndices: differ })
  }
  out.agreeing.sort()
  out.disagreeing.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0))
  return out
}

/**
 * Judges one cycle's canary runs (pure). A policy is unhealthy when:
 * - its evaluation failed (`evaluation-failed`), or its outcomes are not the planned episodes: missing,
 *   duplicated, extra, or with another env, task or seed (`plan-mismatch`: the node did not run the canary
 *   job every validator runs);
 * - more than `maxErrorRate` of its planned episodes ended in a failure code (`episode-errors`);
 * - the Wilson upper bound of its success rate is below the band's floor, or the lower bound above the
 *   ceiling (`below-floor`, `above-ceiling`), over all its episodes and, with several envs, per env;
 * - it is deterministic and more of the peers that ran the same episodes disagree with us than agree
 *   (`peer-mismatch`: success, steps or final state hash differ). A tie keeps us healthy, so one broken
 *   peer cannot make the whole mesh unhealthy; the disagreeing peers are listed either way.
 *
 * @throws CanaryError `NODE_CANARY_BAD_INPUT` on options out of range or two runs of one policy.
 */
export function judgeCanary(input: {
  runs: readonly CanaryRun[]
  peers?: readonly PeerCanaryReport[]
  options?: JudgeOptions
}): CanaryVerdict {
  const maxErrorRate = input.options?.maxErrorRate ?? CANARY_DEFAULTS.maxErrorRate
  const z = input.options?.z ?? 1.96
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) throw badInput('maxErrorRate', 'must be in [0, 1]')
  if (!(z > 0)) throw badInput('z', 'must be > 0')
  const reasons: CanaryReason[] = []
  const perPolicy: Record<string, PolicyVerdict> = {}
  for (const { job, episodes, error } of input.runs) {
    if (perPolicy[job.policy] !== undefined) throw badInput('runs', `policy ${job.policy} twice`)
    const mine: CanaryReason[] = []
    const { planned, valid, bad } =
      episodes === undefined ? { planned: 0, valid: [], bad: [] } : matchPlan(job, episodes)
    if (error !== undefined || episodes === undefined) {
      mine.push({ code: 'evaluation-failed', policy: job.policy, detail: error ?? 'no episodes' })
    } else if (bad.length > 0) {
      const head = bad.slice(0, 8).join(', ')
      mine.push({
        code: 'plan-mismatch',
        policy: job.policy,
        detail: `${bad.length} episode(s) missing or not as planned (indices ${head}${bad.length > 8 ? ', …' : ''})`,
      })
    }
    const errorsByCode: Record<string, number> = {}
    for (const o of valid) if (o.error !== undefined) errorsByCode[o.error] = (errorsByCode[o.error] ?? 0) + 1
    const errored = Object.values(errorsByCode).reduce((a, b) => a + b, 0)
    if (planned > 0 && errored / planned > maxErrorRate) {
      const codes = Object.entries(errorsByCode).map(([c, n]) => `${c}×${n}`)
      mine.push({
        code: 'episode-errors',
        policy: job.policy,
        detail: `${errored}/${planned} errored: ${codes.join(', ')}`,
      })
    }
    const overall = rate(valid, z)
    const envs = [...new Set(valid.map((o) => o.envId))]
    const perEnv = envs.map((envId) => ({
      envId,
      ...rate(
        valid.filter((o) => o.envId === envId),
        z,
      ),
    }))
    if (episodes !== undefined && error === undefined) {
      mine.push(...bandReasons(job.policy, job.band, overall))
      if (perEnv.length > 1) for (const e of perEnv) mine.push(...bandReasons(job.policy, job.band, e, e.envId))
    }
    const peers = job.deterministic ? comparePeers(job, valid, input.peers ?? []) : { agreeing: [], disagreeing: [] }
    if (peers.disagreeing.length > peers.agreeing.length) {
      const who = peers.disagreeing.map((d) => `${d.peer} at ${d.episodeIndices.slice(0, 4).join(',')}`)
      mine.push({
        code: 'peer-mismatch',
        policy: job.policy,
        detail: `${peers.disagreeing.length} of ${peers.disagreeing.length + peers.agreeing.length} peers differ: ${who.join('; ')}`,
      })
    }
    reasons.push(...mine)
    perPolicy[job.policy] = {
      policy: job.policy,
      jobIdHex: job.jobIdHex,
      deterministic: job.deterministic,
      band: { ...job.band },
      healthy: mine.length === 0,
      ...overall,
      perEnv,
      errored,
      errorsByCode,
      fingerprints: valid.map(fingerprintOf),
      peers,
      ...(error === undefined ? {} : { evaluationError: error }),
    }
  }
  return { healthy: reasons.length === 0, reasons, perPolicy }
}
