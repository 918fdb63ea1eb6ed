// {{name}}: your policy. server.ts creates one RobotPolicy and calls it; change this file (and model/).
//
// act(obs) receives (see README.md for the contract):
//   obs.proprio         ee_pos [3] (tool centre point, metres), ee_quat [4] (xyzw), ee_vel_lin [3],
//                       ee_vel_ang [3], gripper [1] (0 open … 1 closed)
//   obs.rgb[camera]     { shape: [H, W, 3], bytes }      obs.depth[camera]  { shape: [H, W, 1], floats } (metres)
//   obs.camIntrinsics[camera]  3×3 pinhole matrix;       obs.camExtrinsics[camera]  4×4 camera-to-world
//   obs.extra           e.g. { task_prompt: '…' }
// and returns { continuous: { ee_twist: [6], gripper: [1] } }: ee_twist[0:3] moves the hand (1 = 1 cm per
// step, clipped to [−1, 1]), ee_twist[3:6] is ignored by the built-in tasks, gripper 0 = open … 1 = closed.
// Answer within 0.5 s, with finite numbers only.
//
// The controller below solves mujoco/reach-v1: it finds the green goal sphere in the cameras on the first
// steps, then steers the hand to it. On the other tasks it only moves the hand to the green goal (push,
// pick-place) or holds still: those are yours to solve.
import { readFileSync } from 'node:fs'
import { isGreen, locate } from './vision.js'
import type { Action, Observation, TaskConfig } from './wire.js'

/** What model/controller.json holds; a learned policy would load its weights from model/ the same way. */
interface ControllerParams {
  gain: number
  goal_radius: number
  max_looks: number
}

const IDLE: Action = { continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] } }
// dist/policy.js → ../model: the evaluator runs the policy with no network, so everything ships in the folder.
const MODEL_DIR = new URL('../model/', import.meta.url)

const clip = (v: number): number => Math.max(-1, Math.min(1, v))

export class RobotPolicy {
  readonly #params: ControllerParams
  #goal: number[] | null = null
  #looks = 0

  constructor() {
    this.#params = JSON.parse(readFileSync(new URL('controller.json', MODEL_DIR), 'utf8')) as ControllerParams
  }

  isLoaded(): boolean {
    return true
  }

  /** A new episode: `task` names the env and task, never the seed or where the goal is. */
  reset(_task: TaskConfig): string | null {
    this.#goal = null
    this.#looks = 0
    return null
  }

  act(obs: Observation): Action {
    if (this.#goal === null) {
      if (this.#looks >= this.#params.max_looks) return IDLE
      this.#looks++
      // The goal does not move during an episode: find it once, steer for the rest.
      this.#goal = locate(obs, isGreen, this.#params.goal_radius / 2)
      if (this.#goal === null) return IDLE
    }
    const tcp = obs.proprio.ee_pos ?? [0, 0, 0]
    const twist = this.#goal.map((g, i) => clip(this.#params.gain * (g - (tcp[i] ?? 0))))
    return { continuous: { ee_twist: [...twist, 0, 0, 0], gripper: [0] } }
  }

  /** Called once when the server stops. */
  cleanup(): void {}
}
