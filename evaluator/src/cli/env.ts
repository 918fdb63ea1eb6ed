import { Command, InvalidArgumentError, Option } from 'commander'
import { typedAction, wilson } from '#protocol'
import type { CameraSpec } from '../env/types.js'
import { runEpisode } from '../episode/run-episode.js'
import type { EpisodeTrace } from '../episode/types.js'
import { createBuiltinEnvironmentFactory } from '../evaluation/builtin.js'
import { type PolicyLanes, startPolicyLanes } from '../evaluation/lanes.js'
import { policySourceFromDir, SAMPLE_POLICIES, samplePolicyDir } from '../evaluation/policy-dir.js'
import { createPolicyClient } from '../policy/client.js'
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../policy/types.js'
import { createProcessRuntime } from '../runtime/process-runtime.js'
import { recordCommand } from './record.js'

/** Where `kinitro env` writes; tests capture it. */
export interface EnvCommandInit {
  stdout?: (text: string) => void
}

export interface PolicyFlags {
  policy: string
  policyUrl?: string
  sandbox: 'auto' | 'bubblewrap' | 'none'
}

export function parseUint(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected an integer 0 … 2^32-1')
  return n
}

/** Adds the flags that pick a policy: a sample name or folder (`--policy`) or a running server (`--policy-url`). */
export function addPolicyFlags(cmd: Command): Command {
  return cmd
    .option('--policy <name|dir>', `a sample policy (${SAMPLE_POLICIES.join(', ')}) or a policy folder`, 'expert')
    .option('--policy-url <url>', 'use a policy server that is already running instead of starting one')
    .addOption(
      new Option('--sandbox <mode>', 'how to run a started policy')
        .choices(['auto', 'bubblewrap', 'none'])
        .default('auto'),
    )
}

/** Starts the chosen policy (or connects to `--policy-url`); the caller stops the lanes. */
export async function openPolicy(flags: PolicyFlags, limits: PolicyLimits): Promise<PolicyLanes> {
  if (flags.policyUrl !== undefined) {
    const client = createPolicyClient({ url: flags.policyUrl }, { limits })
    return {
      clients: [client],
      handles: [],
      isolation: 'external',
      logs: async () => [],
      stop: async () => client.close(),
    }
  }
  const dir = (SAMPLE_POLICIES as readonly string[]).includes(flags.policy)
    ? samplePolicyDir(flags.policy)
    : flags.policy
  const runtime = createProcessRuntime({ sandbox: flags.sandbox })
  const lanes = await startPolicyLanes({ runtime, source: policySourceFromDir(dir), count: 1, limits })
  const stop = async (): Promise<void> => {
    await lanes.stop()
    await runtime.close()
  }
  return { ...lanes, stop }
}

/** Parses `--cameras none|default|WxH`. */
export function camerasFrom(value: string, defaults: readonly CameraSpec[]): readonly CameraSpec[] {
  if (value === 'none') return []
  if (value === 'default') return defaults
  const m = /^(\d+)x(\d+)$/.exec(value)
  if (m === null) throw new InvalidArgumentError('expected none, default or WxH (e.g. 128x128)')
  return defaults.map((c) => ({ ...c, width: Number(m[1]), height: Number(m[2]) }))
}

function fmtEpisode(t: EpisodeTrace): string {
  const o = t.outcome
  const status = o.error === undefined ? (o.success ? 'success' : 'fail') : o.error
  return `seed ${String(o.seed).padStart(10)}  ${status.padEnd(26)} steps ${String(o.steps).padStart(4)}  return ${o.totalReward.toFixed(2).padStart(8)}  act p50 ${o.latencyP50Ms.toFixed(1)} ms`
}

/** `kinitro env …`: see the built-in tasks and run policies on them. */
export function envCommand(init: EnvCommandInit = {}): Command {
  const out = init.stdout ?? ((text: string) => process.stdout.write(`${text}\n`))
  const env = new Command('env').description('list, run and record the simulated tasks')

  env
    .command('list')
    .description('list the built-in tasks')
    .option('--json', 'print JSON')
    .action(
      typedAction((opts: { json?: boolean }) => {
        const specs = createBuiltinEnvironmentFactory().list()
        if (opts.json) return out(JSON.stringify(specs, null, 2))
        for (const s of specs) {
          const cams = s.cameras.map((c) => `${c.name} ${c.width}x${c.height}${c.depth ? '+depth' : ''}`).join(', ')
          out(`${s.envId.padEnd(24)} ${s.maxSteps} steps @ ${s.controlHz} Hz  cameras: ${cams || 'none'}`)
          out(`${''.padEnd(24)} ${s.description}`)
        }
      }),
    )

  addPolicyFlags(
    env
      .command('run')
      .description('run episodes of a task with a sample policy, a policy folder or a running policy server')
      .argument('<env-id>', 'task id from `kinitro env list`, e.g. mujoco/reach-v1'),
  )
    .option('--seed <n>', 'first episode seed (the next episodes use seed+1, …)', parseUint, 1)
    .option('--episodes <n>', 'episodes to run', parseUint, 1)
    .option('--max-steps <n>', 'step limit per episode', parseUint)
    .option('--cameras <spec>', 'none, default, or WxH for every camera', 'default')
    .option('--json', 'print JSON (one outcome per episode and a summary)')
    .action(
      typedAction(
        async (
          envId: string,
          opts: PolicyFlags & { seed: number; episodes: number; maxSteps?: number; cameras: string; json?: boolean },
        ) => {
          const factory = createBuiltinEnvironmentFactory()
          const spec = factory.list().find((s) => s.envId === envId)
          const cameras = camerasFrom(opts.cameras, spec?.cameras ?? [])
          const environment = await factory.create(envId, { cameras })
          const limits = { ...DEFAULT_POLICY_LIMITS, maxSteps: opts.maxSteps ?? DEFAULT_POLICY_LIMITS.maxSteps }
          const lanes = await openPolicy(opts, limits)
          const traces: EpisodeTrace[] = []
          try {
            for (let i = 0; i < opts.episodes; i++) {
              const task = { envId, taskId: `${envId}#${i}`, seed: (opts.seed + i) >>> 0, params: {} }
              const client = lanes.clients[0]
              if (client === undefined) break
              const trace = await runEpisode({
                env: environment,
                policy: client,
                task,
                episodeIndex: i,
                limits,
                recordSteps: false,
              })
              traces.push(trace)
              if (!opts.json) out(fmtEpisode(trace))
            }
          } finally {
            await lanes.stop()
            await environment.close()
          }
          const successes = traces.filter((t) => t.outcome.success).length
          const ci = wilson(successes, traces.length)
          if (opts.json) {
            out(
              JSON.stringify(
                { envId, isolation: lanes.isolation, episodes: traces.map((t) => t.outcome), successes, interval: ci },
                null,
                2,
              ),
            )
          } else {
            out(
              `${successes}/${traces.length} successes (95% interval ${(ci.low * 100).toFixed(0)}–${(ci.high * 100).toFixed(0)}%), policy ran as ${lanes.isolation}`,
            )
          }
        },
      ),
    )

  env.addCommand(recordCommand(out))
  return env
}
