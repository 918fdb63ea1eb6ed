import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { EpisodeOutcome } from '#evaluator'
import { countsAgainstMiner } from '#protocol'
import { TOOL } from '../package/manifest.js'
import type { EvalPlan, EvalRun } from './run.js'
import { summarize, type TaskSummary } from './summary.js'

/** The format tag of `build/eval.json` and of `eval --json`. */
export const EVAL_REPORT_FORMAT = 'kinitro-miner-eval/1'

/** What `eval --json` prints and `build/eval.json` holds. */
export interface EvalReport {
  format: typeof EVAL_REPORT_FORMAT
  policy: { dir?: string; url?: string; isolation: string }
  /** First episode seed; episode k of every task used `seed + k`. Pass it as --seed to repeat the run. */
  seed: number
  episodesPerTask: number
  maxSteps: number
  tasks: TaskSummary[]
  overall: TaskSummary
  verdict: {
    /** What the exit code says: no `policy_*` failure, and the success rate at or above `failUnder`. */
    passed: boolean
    /** `MINER_EVAL_POLICY_FAILED` or `MINER_EVAL_BELOW_THRESHOLD` when not passed. */
    code?: string
    policyFailures: number
    /** Failures that are not the policy's (`env_*`, `validator_*`): validators re-run these instead of scoring. */
    otherFailures: number
    failUnder: number | null
  }
  /** The policy's last output lines, kept when an episode failed. */
  policyLog: string[]
  /** Every episode's outcome (as a validator records it) plus the step it first succeeded at. */
  episodes: (EpisodeOutcome & { firstSuccessStep: number | null })[]
  videos: string[]
  startedAt: string
  durationMs: number
  tool: string
}

export interface ReportInput {
  plan: EvalPlan
  run: EvalRun
  policy: EvalReport['policy']
  failUnder: number | undefined
  policyLog: string[]
  startedAt: Date
}

export function buildReport(input: ReportInput): EvalReport {
  const { plan, run } = input
  const tasks = plan.tasks.map((envId) =>
    summarize(
      envId,
      run.outcomes.filter((o) => o.envId === envId),
      run.latencies.get(envId) ?? [],
    ),
  )
  const overall = summarize('all', run.outcomes, [...run.latencies.values()].flat())
  const otherFailures = run.outcomes.filter((o) => o.error !== undefined && !countsAgainstMiner(o.error)).length
  const failUnder = input.failUnder ?? null
  const code =
    overall.policyFailures > 0
      ? 'MINER_EVAL_POLICY_FAILED'
      : failUnder !== null && overall.successRate < failUnder
        ? 'MINER_EVAL_BELOW_THRESHOLD'
        : undefined
  return {
    format: EVAL_REPORT_FORMAT,
    policy: input.policy,
    seed: plan.seed,
    episodesPerTask: plan.episodesPerTask,
    maxSteps: plan.limits.maxSteps,
    tasks,
    overall,
    verdict: {
      passed: code === undefined,
      ...(code === undefined ? {} : { code }),
      policyFailures: overall.policyFailures,
      otherFailures,
      failUnder,
    },
    policyLog: run.outcomes.some((o) => o.error !== undefined) ? input.policyLog : [],
    episodes: run.outcomes.map((o, i) => ({ ...o, firstSuccessStep: run.firstSuccess[i] ?? null })),
    videos: run.videos,
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    tool: TOOL,
  }
}

/** Writes the report as JSON; returns an error message instead of throwing (the results are printed anyway). */
export function saveReport(path: string, report: EvalReport): string | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
    return undefined
  } catch (err) {
    return `${path} not written: ${(err as NodeJS.ErrnoException).code ?? String(err)}`
  }
}
