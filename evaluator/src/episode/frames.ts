import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Action, Environment, Observation, TaskConfig } from '../env/types.js'
import { chainNext, chainStart } from './chain.js'

type Vec3 = [number, number, number]

// Built-in environments step synchronously: yielding every so many steps lets timers (a caller's
// timeout) fire and keeps a server that replays episodes responsive.
const YIELD_EVERY = 32

/** One drawable moment of a re-simulated episode. */
export interface EpisodeFrame {
  /** Steps done: 0 is the state after reset, `t` the state after the `t`-th action. */
  t: number
  /** Reward of the step that led here (0 for the reset frame). */
  reward: number
  /** Success at this step (false for the reset frame). */
  success: boolean
  /** Named world positions in metres (`effector`, `target`, `object`, … as the environment names them). */
  points: Record<string, Vec3>
}

/** Options of {@link replayFrames}. */
export interface ReplayFramesOptions {
  signal?: AbortSignal
}

/** What {@link replayFrames} returns: the frames and the state-hash chain the re-simulation produced. */
export interface ReplayFramesResult {
  /** `actions.length + 1` frames: the reset, then one per action. */
  frames: EpisodeFrame[]
  /** Chain link 0 (hash of the state after reset); compare with the trace's `initialStateHash`. */
  initialStateHash: string
  /** The last link; compare with the outcome's `finalStateHash` to know the replay is the episode. */
  finalStateHash: string
}

/**
 * Re-simulates (task, actions) without a policy and returns where things were after every step, for
 * drawing a replay. Environments that expose `positions()` (the built-in MuJoCo tasks and the toy env)
 * give every named body; others fall back to the observation's `ee_pos` (as `effector`) and `goal_pos`
 * (as `target`). Deterministic: the same task and actions give the same frames and chain.
 *
 * @example
 * ```ts
 * const env = await createBuiltinEnvironmentFactory().create('mujoco/reach-v1', { cameras: [] })
 * const { frames } = await replayFrames(env, task, trace.steps.map((s) => s.action))
 * ```
 */
export async function replayFrames(
  env: Environment,
  task: TaskConfig,
  actions: readonly Action[],
  opts: ReplayFramesOptions = {},
): Promise<ReplayFramesResult> {
  opts.signal?.throwIfAborted()
  let obs = await env.reset(task)
  let link = chainStart(env.stateBytes())
  const initialStateHash = link.toString('hex')
  const frames: EpisodeFrame[] = [{ t: 0, reward: 0, success: false, points: pointsOf(env, obs) }]
  for (const [i, action] of actions.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToLoop()
    opts.signal?.throwIfAborted()
    const r = await env.step(action)
    link = chainNext(link, env.stateBytes())
    obs = r.obs
    frames.push({ t: i + 1, reward: r.reward, success: r.success, points: pointsOf(env, obs) })
  }
  return { frames, initialStateHash, finalStateHash: link.toString('hex') }
}

function pointsOf(env: Environment, obs: Observation): Record<string, Vec3> {
  if (env.positions) return env.positions()
  const out: Record<string, Vec3> = {}
  const ee = vec3(obs.proprio.ee_pos)
  const goal = vec3(obs.proprio.goal_pos)
  if (ee) out.effector = ee
  if (goal) out.target = goal
  return out
}

function vec3(v: number[] | undefined): Vec3 | undefined {
  if (v === undefined || v.length < 3 || !v.slice(0, 3).every(Number.isFinite)) return undefined
  return [v[0] as number, v[1] as number, v[2] as number]
}
