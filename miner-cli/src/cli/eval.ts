import { join, relative, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { createBuiltinEnvironmentFactory, DEFAULT_POLICY_LIMITS } from '#evaluator'
import { addConfigOptions, typedAction } from '#protocol'
import { minerConfigSchema } from '../config.js'
import { EVAL_ERROR_FIXES, evalError } from '../eval/errors.js'
import { openPolicy } from '../eval/open-policy.js'
import {
  DEFAULT_EPISODES,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_TASKS,
  DEFAULT_VIDEO_SIZE,
  parseCount,
  parseMaxSteps,
  parseMs,
  parseRate,
  parseSeed,
  parseSize,
  parseTaskList,
  randomSeed,
  VIDEO_FPS,
} from '../eval/options.js'
import { createProgress } from '../eval/progress.js'
import { buildReport, type EvalReport, saveReport } from '../eval/report.js'
import { type EvalPlan, runEvaluation } from '../eval/run.js'
import { formatTable } from '../eval/summary.js'
import { BUILD_DIR } from '../package/pack.js'
import type { MinerIo } from './io.js'
import { policyDirOf } from './package.js'

/** Where eval writes its results inside the policy folder. */
export const EVAL_REPORT_FILE = 'eval.json'

interface EvalOptions {
  tasks?: string[]
  episodes: number
  seed?: number
  maxSteps: number
  policyUrl?: string
  sandbox: 'auto' | 'bubblewrap' | 'none'
  startTimeout: number
  asCurrentUser?: boolean
  video?: string
  videoSize: { width: number; height: number }
  videoCamera?: string
  failUnder?: number
  json?: boolean
}

function checkTasks(tasks: readonly string[], known: readonly string[]): void {
  const unknown = tasks.filter((t) => !known.includes(t))
  if (unknown.length > 0) {
    throw evalError(
      'MINER_EVAL_UNKNOWN_TASK',
      unknown.join(','),
      `unknown task ${unknown.join(', ')} (built-in: ${known.join(', ')})`,
    )
  }
}

function printHuman(io: MinerIo, report: EvalReport, saved: string | undefined): void {
  const p = report.policy
  const where = p.url ?? p.dir ?? ''
  const how = p.isolation === 'process' ? 'a plain process (no sandbox)' : p.isolation
  io.out(`policy ${where} ran as ${how}`)
  io.out(
    `seed ${report.seed} (repeat with --seed ${report.seed}), ${report.episodesPerTask} episodes per task, ` +
      `up to ${report.maxSteps} steps\n`,
  )
  for (const line of formatTable(report.tasks, report.overall)) io.out(line)
  io.out('')
  if (report.videos.length > 0) io.out(`videos   ${report.videos.length} MP4 files, e.g. ${report.videos[0]}`)
  if (saved !== undefined) io.out(`results  ${saved}`)
}

/** `kinitro miner eval [dir]`: the validators' evaluator on this machine, with a results table. */
export function addEvalCommands(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('eval')
    .description(
      'run the policy on the built-in tasks with the evaluator validators use (same runtime, sandbox, deadlines ' +
        'and failure codes) and print per-task success with its 95% interval',
    )
    .argument('[dir]', 'the policy folder (default: policy.dir from kinitro-miner.toml, i.e. this folder)')
    .option(
      '--tasks <ids>',
      `task ids, comma-separated (default: every built-in task: ${DEFAULT_TASKS.join(', ')})`,
      parseTaskList,
    )
    .option('--episodes <n>', 'episodes per task', parseCount, DEFAULT_EPISODES)
    .option('--seed <n>', 'first episode seed; episode k uses seed+k (default: a random seed, printed)', parseSeed)
    .option(
      '--max-steps <n>',
      "step limit per episode (validators run the tasks' full 500)",
      parseMaxSteps,
      DEFAULT_POLICY_LIMITS.maxSteps,
    )
    .option('--policy-url <url>', 'evaluate a policy server that is already running instead of starting the folder')
    .addOption(
      new Option('--sandbox <mode>', 'how to run the policy: bubblewrap if available (auto), required, or none')
        .choices(['auto', 'bubblewrap', 'none'])
        .default('auto'),
    )
    .option(
      '--start-timeout <ms>',
      'how long the policy may take to answer GET /health',
      parseMs,
      DEFAULT_START_TIMEOUT_MS,
    )
    .option('--as-current-user', 'when root, run the policy as root instead of uid 65534 (validators use 65534)')
    .option('--video <dir>', `write an MP4 of every episode into this folder (${VIDEO_FPS} fps)`)
    .addOption(
      new Option('--video-size <WxH>', 'video frame size')
        .argParser(parseSize)
        .default(parseSize(DEFAULT_VIDEO_SIZE), DEFAULT_VIDEO_SIZE),
    )
    .option('--video-camera <name>', "camera to film (default: the task's first camera)")
    .option('--fail-under <rate>', 'exit 1 when the overall success rate is below this (0.8 or 80%)', parseRate)
    .option('--json', 'print the full report as JSON (progress stays on stderr)')
  addConfigOptions(cmd, minerConfigSchema, ['policy.dir'])
  cmd
    .addHelpText(
      'after',
      `
The policy starts as validators start it: the command in kinitro.json, in a bubblewrap sandbox when bubblewrap
is installed (no network, read-only folder), with their resource limits, /act deadline (0.5 s) and failure codes.
Progress goes to stderr; the table (or --json) to stdout; the report is also written to <dir>/${BUILD_DIR}/${EVAL_REPORT_FILE}.

Exit code: 1 when an episode failed because of the policy (a policy_* code: crash, timeout, invalid action, …)
or the success rate is under --fail-under; 0 otherwise, even with a low success rate.

Examples:
  kinitro miner eval --tasks mujoco/reach-v1 --episodes 10 --seed 7
  kinitro miner eval --video videos --episodes 2
  kinitro miner eval --policy-url http://127.0.0.1:8000 --tasks mujoco/push-v1 --json
  kinitro miner eval --fail-under 80%          # for CI`,
    )
    .action(
      typedAction(async function (this: Command, dirArg: string | undefined, opts: EvalOptions) {
        const startedAt = new Date()
        const dir = policyDirOf(this, io, dirArg)
        const factory = createBuiltinEnvironmentFactory()
        const tasks = opts.tasks ?? DEFAULT_TASKS
        checkTasks(
          tasks,
          factory.list().map((s) => s.envId),
        )
        const limits = { ...DEFAULT_POLICY_LIMITS, maxSteps: opts.maxSteps }
        const plan: EvalPlan = { tasks, episodesPerTask: opts.episodes, seed: opts.seed ?? randomSeed(), limits }
        const video =
          opts.video === undefined
            ? undefined
            : {
                dir: resolve(io.cwd, opts.video),
                ...opts.videoSize,
                fps: VIDEO_FPS,
                ...(opts.videoCamera === undefined ? {} : { camera: opts.videoCamera }),
              }

        const policy = await openPolicy({
          dir,
          ...(opts.policyUrl === undefined ? {} : { url: opts.policyUrl }),
          sandbox: opts.sandbox,
          startTimeoutMs: opts.startTimeout,
          asCurrentUser: opts.asCurrentUser === true,
          limits,
        })
        if (policy.isolation === 'process' && opts.sandbox === 'auto') {
          io.err('warning: bubblewrap is not available: the policy runs as a plain process with network access;')
          io.err('         validators sandbox it (no network, read-only folder), so do not rely on either')
        }
        const total = tasks.length * plan.episodesPerTask
        let run: Awaited<ReturnType<typeof runEvaluation>>
        try {
          run = await runEvaluation(plan, {
            factory,
            policy: policy.client,
            progress: createProgress(io, total),
            ...(video === undefined ? {} : { video }),
            warn: (text) => io.err(`warning: ${text}`),
          })
        } finally {
          await policy.stop()
        }
        // Read the policy's output once it has stopped: a crashed process's last lines (the traceback) can
        // still be in its pipes when the episode ends, and under load they arrive after it.
        const report: EvalReport = buildReport({
          plan,
          run,
          policy: {
            ...(opts.policyUrl === undefined ? { dir } : { url: opts.policyUrl }),
            isolation: policy.isolation,
          },
          failUnder: opts.failUnder,
          policyLog: await policy.logTail(),
          startedAt,
        })

        const reportPath = join(dir, BUILD_DIR, EVAL_REPORT_FILE)
        const notSaved = saveReport(reportPath, report)
        if (notSaved !== undefined) io.err(`warning: ${notSaved}`)
        if (opts.json) io.out(JSON.stringify(report, null, 2))
        else printHuman(io, report, notSaved === undefined ? relative(io.cwd, reportPath) || reportPath : undefined)
        if (report.verdict.otherFailures > 0) {
          io.err(
            `warning: ${report.verdict.otherFailures} episodes failed for reasons that are not the policy's (env_*, validator_*): ` +
              'validators re-run those instead of scoring them',
          )
        }

        const code = report.verdict.code as keyof typeof EVAL_ERROR_FIXES | undefined
        if (code === undefined) return
        if (code === 'MINER_EVAL_POLICY_FAILED' && report.policyLog.length > 0 && !opts.json) {
          io.err(`policy output (last ${report.policyLog.length} lines):\n  ${report.policyLog.join('\n  ')}`)
        }
        const o = report.overall
        const reason =
          code === 'MINER_EVAL_POLICY_FAILED'
            ? `${o.policyFailures} of ${o.episodes} episodes failed because of the policy`
            : `success rate ${(o.successRate * 100).toFixed(1)}% is under --fail-under ${((opts.failUnder ?? 0) * 100).toFixed(1)}%`
        this.error(`error ${code}: ${reason}\nhow to fix: ${EVAL_ERROR_FIXES[code]}`, { exitCode: 1, code })
      }),
    )
}
