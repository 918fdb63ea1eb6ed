import type { TaskPrng } from './prng.js'
import { BUTTON_TRAVEL, OBJECT_HALF_HEIGHT, type TaskFamily } from './scene.js'

type Vec3 = [number, number, number]

/** What a task reads and writes in the simulation; implemented by the environment over MjModel/MjData. */
export interface TaskSim {
  tcp(): Vec3
  objectPos(): Vec3
  setObjectPos(p: Vec3): void
  setGoalPos(p: Vec3): void
  setBodyPos(body: 'button_base' | 'cabinet' | 'door_base', p: Vec3): void
  jointPos(joint: 'button' | 'drawer' | 'door'): number
  setJointPos(joint: 'button' | 'drawer' | 'door', q: number): void
  geomPos(geom: 'button' | 'handle'): Vec3
}

/** Success, an informational dense reward in [0, 10], and distances for `info`. */
export interface TaskEvaluation {
  success: boolean
  reward: number
  metrics: Record<string, number>
}

export interface TaskDefinition {
  envId: string
  family: TaskFamily
  description: string
  /** Draws the episode's parameter vector (README lists each task's draws in order). */
  sample(rng: TaskPrng): number[]
  /** Places objects, goal and fixtures for `params` (called after the simulation was reset). */
  apply(sim: TaskSim, params: readonly number[]): void
  evaluate(sim: TaskSim, params: readonly number[]): TaskEvaluation
}

/** Object/goal rejection sampling gives up after this many tries (never reached: the boxes allow it). */
const MAX_TRIES = 1000
export const MIN_OBJECT_GOAL_XY = 0.15
export const DRAWER_OPEN_AT_RESET = 0.15

export const SUCCESS_THRESHOLDS = {
  reach: 0.05,
  push: 0.05,
  'pick-place': 0.07,
  /** Button pressed at least this deep (of its {@link BUTTON_TRAVEL}). */
  'button-press': 0.02,
  /** Drawer within this distance of fully closed. */
  'drawer-close': 0.03,
  /** Door swung open at least this far (rad). */
  'door-open': 0.6,
} as const

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)
const shaped = (d: number) => 10 * (1 - Math.tanh(5 * d))

function objectAndGoal(rng: TaskPrng, goalZ: [number, number]): number[] {
  for (let i = 0; i < MAX_TRIES; i++) {
    const ox = rng.uniform(-0.1, 0.1)
    const oy = rng.uniform(0.6, 0.7)
    const gx = rng.uniform(-0.1, 0.1)
    const gy = rng.uniform(0.8, 0.9)
    const gz = rng.uniform(goalZ[0], goalZ[1])
    if (Math.hypot(ox - gx, oy - gy) >= MIN_OBJECT_GOAL_XY) return [ox, oy, gx, gy, gz]
  }
  throw new Error('object/goal sampling did not converge')
}

function objectTask(family: 'push' | 'pick-place', goalZ: [number, number], description: string): TaskDefinition {
  const threshold = SUCCESS_THRESHOLDS[family]
  return {
    envId: `mujoco/${family}-v1`,
    family,
    description,
    sample: (rng) => objectAndGoal(rng, goalZ),
    apply(sim, [ox, oy, gx, gy, gz]) {
      sim.setObjectPos([ox!, oy!, OBJECT_HALF_HEIGHT])
      sim.setGoalPos([gx!, gy!, gz!])
    },
    evaluate(sim, [, , gx, gy, gz]) {
      const obj = sim.objectPos()
      const objToGoal = dist(obj, [gx!, gy!, gz!])
      const tcpToObj = dist(sim.tcp(), obj)
      return {
        success: objToGoal <= threshold,
        reward: shaped(objToGoal + 0.5 * tcpToObj),
        metrics: { obj_to_goal: objToGoal, tcp_to_obj: tcpToObj },
      }
    },
  }
}

export const TASKS: readonly TaskDefinition[] = [
  {
    envId: 'mujoco/reach-v1',
    family: 'reach',
    description: 'move the hand to the green goal sphere (tcp within 5 cm)',
    sample: (rng) => [rng.uniform(-0.1, 0.1), rng.uniform(0.8, 0.9), rng.uniform(0.05, 0.3)],
    apply(sim, [gx, gy, gz]) {
      sim.setGoalPos([gx!, gy!, gz!])
    },
    evaluate(sim, [gx, gy, gz]) {
      const d = dist(sim.tcp(), [gx!, gy!, gz!])
      return { success: d <= SUCCESS_THRESHOLDS.reach, reward: shaped(d), metrics: { tcp_to_goal: d } }
    },
  },
  objectTask('push', [0.01, 0.02], 'move the red puck on the table to the green goal (within 5 cm)'),
  objectTask('pick-place', [0.05, 0.3], 'pick the red puck up and bring it to the green goal in the air (within 7 cm)'),
  {
    envId: 'mujoco/button-press-v1',
    family: 'button-press',
    description: 'press the yellow button into its housing (at least 2 cm of 3 cm travel)',
    sample: (rng) => [rng.uniform(-0.1, 0.1), rng.uniform(0.85, 0.9)],
    apply(sim, [bx, by]) {
      sim.setBodyPos('button_base', [bx!, by!, 0.115])
    },
    evaluate(sim) {
      const depth = sim.jointPos('button')
      const tcpToButton = dist(sim.tcp(), sim.geomPos('button'))
      return {
        success: depth >= SUCCESS_THRESHOLDS['button-press'],
        reward: shaped(BUTTON_TRAVEL - depth + 0.5 * tcpToButton),
        metrics: { press_depth: depth, tcp_to_button: tcpToButton },
      }
    },
  },
  {
    envId: 'mujoco/drawer-close-v1',
    family: 'drawer-close',
    description: 'push the open drawer (blue handle) closed (within 3 cm)',
    sample: (rng) => [rng.uniform(-0.1, 0.1), rng.uniform(0.9, 0.95)],
    apply(sim, [dx, dy]) {
      sim.setBodyPos('cabinet', [dx!, dy!, 0])
      sim.setJointPos('drawer', -DRAWER_OPEN_AT_RESET)
    },
    evaluate(sim) {
      const open = -sim.jointPos('drawer')
      const tcpToHandle = dist(sim.tcp(), sim.geomPos('handle'))
      return {
        success: open <= SUCCESS_THRESHOLDS['drawer-close'],
        reward: shaped(open + 0.5 * tcpToHandle),
        metrics: { drawer_open: open, tcp_to_handle: tcpToHandle },
      }
    },
  },
  {
    envId: 'mujoco/door-open-v1',
    family: 'door-open',
    description: 'grasp the cyan handle and swing the door open toward you (at least 0.6 rad)',
    sample: (rng) => [rng.uniform(-0.15, 0.05), rng.uniform(0.85, 0.9)],
    apply(sim, [dx, dy]) {
      sim.setBodyPos('door_base', [dx!, dy!, 0])
    },
    evaluate(sim) {
      const angle = -sim.jointPos('door')
      const tcpToHandle = dist(sim.tcp(), sim.geomPos('handle'))
      return {
        success: angle >= SUCCESS_THRESHOLDS['door-open'],
        reward: shaped(Math.max(0, SUCCESS_THRESHOLDS['door-open'] - angle) + 0.5 * tcpToHandle),
        metrics: { door_angle: angle, tcp_to_handle: tcpToHandle },
      }
    },
  },
]
