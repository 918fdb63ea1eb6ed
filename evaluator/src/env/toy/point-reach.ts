import { createHash } from 'node:crypto'
import type {
  Action,
  Environment,
  EnvironmentFactory,
  EnvironmentSpec,
  Observation,
  StepResult,
  TaskConfig,
} from '../types.js'

/** Id of the toy task: a 2-D point mass that must reach a seeded goal. */
export const TOY_POINT_REACH_ID = 'toy/point-reach-v1'

/** Distance to the goal (metres) that counts as success. */
export const TOY_SUCCESS_RADIUS = 0.05

// Largest displacement per step for a saturated twist; 100 steps cover 2 m, so every seeded goal
// (at most ~0.42 m away) is reachable well inside the horizon by a proportional controller.
const MAX_SPEED = 0.02
const VEL_DECAY = 0.5
const GOAL_DOMAIN = 'kinitro/toy/point-reach-v1/goal'

/** The toy env's static description: proprio-only, the reference manipulation action keys. */
export const TOY_POINT_REACH_SPEC: EnvironmentSpec = {
  envId: TOY_POINT_REACH_ID,
  family: 'toy',
  description: '2-D point mass (float64, pure TypeScript); move ee_twist[0:2] to reach a seeded goal within 5 cm',
  maxSteps: 100,
  controlHz: 20,
  cameras: [],
  actionKeys: { ee_twist: 6, gripper: 1 },
  proprioKeys: { ee_pos: 3, ee_vel_lin: 3, gripper: 1, goal_pos: 3 },
  simulator: { name: 'toy', version: '1.0.0' },
}

/**
 * Goal position from the task: the first 16 bytes of SHA-256(domain ‖ u32be(seed) ‖ sorted params) as two
 * u64 → [-0.3, 0.3]². Sorting the params keeps the goal independent of object key order.
 */
export function toyGoal(task: Pick<TaskConfig, 'seed' | 'params'>): [number, number] {
  const h = createHash('sha256').update(GOAL_DOMAIN)
  const seed = Buffer.alloc(4)
  seed.writeUInt32BE(task.seed >>> 0)
  h.update(seed)
  for (const k of Object.keys(task.params).sort()) h.update(`\0${k}=${task.params[k]}`)
  const d = h.digest()
  const unit = (off: number) => Number(d.readBigUInt64BE(off) >> 11n) / 2 ** 53
  return [unit(0) * 0.6 - 0.3, unit(8) * 0.6 - 0.3]
}

function clamp(x: number): number {
  return Math.min(1, Math.max(-1, x))
}

/** Thrown when an action would make the state non-finite (the toy's "simulation diverged"). */
export class ToyUnstableError extends Error {
  readonly failure = 'env_unstable' as const
  constructor(message: string) {
    super(message)
    this.name = 'ToyUnstableError'
  }
}

// State layout (float64, little-endian): t, pos x/y, vel x/y, gripper, goal x/y, last raw action (7).
// The raw action is part of the state, like MuJoCo's ctrl, so a tampered action is visible in the
// hash chain even when clamping maps it to the same motion.
const STATE_LEN = 15

class PointReachEnv implements Environment {
  readonly spec = TOY_POINT_REACH_SPEC
  readonly #s = new Float64Array(STATE_LEN)
  #started = false

  async reset(task: TaskConfig): Promise<Observation> {
    const [gx, gy] = toyGoal(task)
    this.#s.fill(0)
    this.#s[6] = gx
    this.#s[7] = gy
    this.#started = true
    return this.#obs()
  }

  async step(action: Action): Promise<StepResult> {
    if (!this.#started) throw new Error('step before reset')
    const s = this.#s
    const twist = action.continuous.ee_twist ?? []
    const grip = action.continuous.gripper ?? []
    const raw = [...Array.from({ length: 6 }, (_, i) => twist[i] ?? 0), grip[0] ?? 0]
    if (!raw.every(Number.isFinite)) throw new ToyUnstableError('non-finite action')
    for (let i = 0; i < 7; i++) s[8 + i] = raw[i] as number
    s[3] = VEL_DECAY * s[3]! + (1 - VEL_DECAY) * clamp(raw[0]!) * MAX_SPEED
    s[4] = VEL_DECAY * s[4]! + (1 - VEL_DECAY) * clamp(raw[1]!) * MAX_SPEED
    s[1] = s[1]! + s[3]!
    s[2] = s[2]! + s[4]!
    s[5] = Math.min(1, Math.max(0, raw[6]!))
    s[0] = s[0]! + 1
    const dist = Math.hypot(s[6]! - s[1]!, s[7]! - s[2]!)
    const success = dist < TOY_SUCCESS_RADIUS
    return {
      obs: this.#obs(),
      reward: -dist,
      done: s[0]! >= this.spec.maxSteps,
      success,
      info: { distance: dist },
    }
  }

  stateBytes(): Uint8Array {
    const out = new Uint8Array(STATE_LEN * 8)
    const dv = new DataView(out.buffer)
    for (let i = 0; i < STATE_LEN; i++) dv.setFloat64(i * 8, this.#s[i]!, true)
    return out
  }

  positions(): Record<string, [number, number, number]> {
    const s = this.#s
    return { effector: [s[1]!, s[2]!, 0], target: [s[6]!, s[7]!, 0] }
  }

  async close(): Promise<void> {
    this.#started = false
  }

  #obs(): Observation {
    const s = this.#s
    return {
      proprio: {
        ee_pos: [s[1]!, s[2]!, 0],
        ee_vel_lin: [s[3]!, s[4]!, 0],
        gripper: [s[5]!],
        // No cameras, so the goal must be observable; it is a derived position, never the seed.
        goal_pos: [s[6]!, s[7]!, 0],
      },
      rgb: {},
      depth: {},
      camIntrinsics: {},
      camExtrinsics: {},
      extra: {},
    }
  }
}

/** Creates a fresh toy environment (no factory needed in tests). */
export function createToyEnvironment(): Environment {
  return new PointReachEnv()
}

/** The toy family as an {@link EnvironmentFactory}: fast, deterministic, for tests and smoke runs. */
export function createToyEnvironmentFactory(): EnvironmentFactory {
  return {
    list: () => [TOY_POINT_REACH_SPEC],
    async create(envId) {
      if (envId !== TOY_POINT_REACH_ID) {
        // Loaded lazily: the toy env stays free of #protocol, so child processes that replay it start fast.
        const { EpisodeError } = await import('../../episode/errors.js')
        throw new EpisodeError(
          { code: 'EVAL_EPISODE_ENV_UNKNOWN', envId, known: [TOY_POINT_REACH_ID] },
          `unknown env ${envId}`,
        )
      }
      return new PointReachEnv()
    },
  }
}

/** A proportional controller that solves the toy task from its observation (tests, benches, demos). */
export function toyExpertAction(obs: Observation): Action {
  const p = obs.proprio.ee_pos ?? [0, 0, 0]
  const g = obs.proprio.goal_pos ?? [0, 0, 0]
  const k = 1 / MAX_SPEED
  return {
    continuous: { ee_twist: [clamp((g[0]! - p[0]!) * k), clamp((g[1]! - p[1]!) * k), 0, 0, 0, 0], gripper: [0] },
    discrete: {},
    extra: {},
  }
}
