/**
 * The environment seam: what every simulated task (in-process MuJoCo or a remote environment container)
 * offers the episode runner. Shapes follow the reference policy contract (`reference/evaluator.md` §1.1) so
 * a policy server written for the reference system's MetaWorld family runs unchanged.
 */

/** A dense tensor in C order. RGB images are `uint8` `[H, W, 3]`; depth images are `float32` `[H, W, 1]` in metres. */
export interface ImageTensor {
  data: Uint8Array
  shape: readonly number[]
  dtype: 'uint8' | 'float32'
}

/**
 * What a policy sees each step. Internal form: images stay raw bytes until the policy client encodes them
 * (base64 on the wire). Never carries the seed or task parameters.
 */
export interface Observation {
  /** Proprioception by conventional key: `ee_pos` 3, `ee_quat` 4 (xyzw), `ee_vel_lin` 3, `ee_vel_ang` 3, `gripper` 1. */
  proprio: Record<string, number[]>
  /** RGB images by camera name. */
  rgb: Record<string, ImageTensor>
  /** Depth images by camera name. */
  depth: Record<string, ImageTensor>
  /** 3×3 pinhole intrinsics per camera (pixels): [[fx,0,cx],[0,fy,cy],[0,0,1]]. */
  camIntrinsics: Record<string, number[][]>
  /** 4×4 camera-to-world transform per camera (OpenCV convention: +x right, +y down, +z forward). */
  camExtrinsics: Record<string, number[][]>
  /** Free-form extras (e.g. a language instruction). Never the seed or task parameters. */
  extra: Record<string, unknown>
}

/** What a policy answers: the reference `Action` (continuous `ee_twist` [6] and `gripper` [1] for manipulation). */
export interface Action {
  continuous: Record<string, number[]>
  discrete: Record<string, number>
  extra: Record<string, unknown>
}

/** One episode's task: env, task id within the env family, the episode seed and string parameters. */
export interface TaskConfig {
  envId: string
  /** Task id within the competition manifest (e.g. "reach-0"); not sent to the policy. */
  taskId: string
  /** u32 episode seed (`episodeSeed32` in #protocol). Never sent to the policy. */
  seed: number
  /** Task parameters from the manifest (strings, as the wire carries them). */
  params: Record<string, string>
}

/** What one `step` returns. */
export interface StepResult {
  obs: Observation
  reward: number
  /** The episode is over (success with terminate-on-success, failure state, or the step limit). */
  done: boolean
  /** Success at this step (the runner tracks success-once). */
  success: boolean
  info: Record<string, unknown>
}

/** A camera the environment renders. */
export interface CameraSpec {
  name: string
  width: number
  height: number
  depth: boolean
}

/** Static description of an environment; `kinitro env list` prints it. */
export interface EnvironmentSpec {
  /** Stable id, e.g. `mujoco/reach-v1`. */
  envId: string
  family: string
  description: string
  maxSteps: number
  /** Control steps per simulated second. */
  controlHz: number
  cameras: readonly CameraSpec[]
  /** Continuous action keys and their lengths, e.g. `{ ee_twist: 6, gripper: 1 }`. */
  actionKeys: Readonly<Record<string, number>>
  /** Proprio keys and their lengths. */
  proprioKeys: Readonly<Record<string, number>>
  /** Simulator name and exact version, recorded in every result (e.g. `{ name: 'mujoco', version: '3.3.8' }`). */
  simulator: { name: string; version: string }
}

/**
 * One running environment instance. Not shared between episodes running at the same time.
 *
 * Determinism contract: for the same `TaskConfig` and the same action sequence, `stateBytes()` after every
 * step is bit-identical across runs, processes and machines with the same pinned simulator build.
 */
export interface Environment {
  readonly spec: EnvironmentSpec
  /** Starts an episode. Task parameters (object and goal placement) derive from `task.seed` and `task.params`. */
  reset(task: TaskConfig): Promise<Observation>
  step(action: Action): Promise<StepResult>
  /** Canonical bytes of the full simulation state (hashed into the per-step state-hash chain). */
  stateBytes(): Uint8Array
  /** Renders the named camera now (for videos); independent of what the observation carries. */
  render?(camera: string): ImageTensor
  /**
   * Named world positions (metres) for drawing a replay: `effector` (the tool centre point), `target` (where
   * the task wants the effector or the object to go) and `object` when the task moves one. Privileged state:
   * never part of an observation.
   */
  positions?(): Record<string, [number, number, number]>
  close(): Promise<void>
}

/** Options every environment factory accepts. */
export interface EnvironmentOptions {
  /** Cameras to include in observations; `[]` for proprio-only (fastest). Defaults to the env's own cameras. */
  cameras?: readonly CameraSpec[]
}

/** Makes environments by id; the evaluator keeps one registry of built-in and remote families. */
export interface EnvironmentFactory {
  /** Environment specs this factory can create. */
  list(): readonly EnvironmentSpec[]
  create(envId: string, options?: EnvironmentOptions): Promise<Environment>
}
