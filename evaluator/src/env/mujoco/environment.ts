import type { MjData, MjModel } from 'mujoco-js'
import type {
  Action,
  CameraSpec,
  Environment,
  EnvironmentSpec,
  ImageTensor,
  Observation,
  StepResult,
  TaskConfig,
} from '../types.js'
import { type Frame, RayCamera } from './camera.js'
import { MujocoEnvError } from './errors.js'
import { type Mujoco, modelFromXml, nameToId } from './loader.js'
import { TaskPrng } from './prng.js'
import { FINGER_CTRL_MAX, FINGER_TRAVEL, HAND_INIT, MOCAP_HIGH, MOCAP_LOW, sceneXml } from './scene.js'
import { cameraProblem, FRAME_SKIP, MAX_STEP_DISPLACEMENT, MAX_STEPS, specFor, TIMESTEP } from './spec.js'
import type { TaskDefinition, TaskSim } from './tasks.js'

type Vec3 = [number, number, number]

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}

/**
 * One built-in task over its own MjModel copy and MjData. Not thread-safe and not shared between
 * concurrent episodes; `close()` frees the WASM memory (MuJoCo objects are not garbage-collected).
 */
export class MujocoEnvironment implements Environment {
  readonly spec: EnvironmentSpec
  readonly #mj: Mujoco
  readonly #task: TaskDefinition
  readonly #model: MjModel
  readonly #data: MjData
  readonly #colors: Float32Array
  readonly #cameras: { spec: CameraSpec; cam: RayCamera }[]
  readonly #renderCams = new Map<string, RayCamera>()
  readonly #ids: ReturnType<typeof resolveIds>
  readonly #sim: TaskSim
  #params: number[] = []
  #step = -1
  #closed = false

  constructor(mj: Mujoco, task: TaskDefinition, cameras: readonly CameraSpec[]) {
    this.#mj = mj
    this.#task = task
    this.spec = specFor(task, cameras)
    this.#model = modelFromXml(mj, task.family, sceneXml(task.family), task.envId)
    this.#data = new mj.MjData(this.#model)
    this.#ids = resolveIds(mj, this.#model, task)
    const rgba = this.#model.geom_rgba as Float32Array
    this.#colors = new Float32Array(3 * this.#model.ngeom)
    for (let g = 0; g < this.#model.ngeom; g++) for (let k = 0; k < 3; k++) this.#colors[3 * g + k] = rgba[4 * g + k]!
    // Cameras are fixed in the world, so their poses after the first mj_forward hold for every episode.
    mj.mj_forward(this.#model, this.#data)
    this.#cameras = cameras.map((spec) => ({ spec, cam: this.#makeCamera(spec.name, spec.width, spec.height) }))
    this.#sim = this.#taskSim()
  }

  #makeCamera(name: string, width: number, height: number): RayCamera {
    const id = nameToId(this.#mj, this.#model, 'camera', name)
    return new RayCamera(this.#mj, this.#model, this.#data, id, name, width, height)
  }

  #assertOpen(): void {
    if (this.#closed) throw new MujocoEnvError({ code: 'EVAL_ENV_CLOSED', envId: this.spec.envId })
  }

  async reset(task: TaskConfig): Promise<Observation> {
    this.#assertOpen()
    if (task.envId !== this.spec.envId) {
      throw new MujocoEnvError(
        { code: 'EVAL_ENV_UNKNOWN', envId: task.envId, known: [this.spec.envId] },
        `this environment runs ${this.spec.envId}, not ${task.envId}`,
      )
    }
    const mj = this.#mj
    mj.mj_resetData(this.#model, this.#data)
    this.#params = this.#task.sample(new TaskPrng(task.envId, task.seed, task.params))
    this.#task.apply(this.#sim, this.#params)
    const mocap = this.#data.mocap_pos as Float64Array
    mocap.set(HAND_INIT, 3 * this.#ids.handMocap)
    mj.mj_forward(this.#model, this.#data)
    this.#step = 0
    return this.#observe()
  }

  async step(action: Action): Promise<StepResult> {
    this.#assertOpen()
    if (this.#step < 0) throw new MujocoEnvError({ code: 'EVAL_ENV_NOT_RESET', envId: this.spec.envId })
    if (this.#step >= MAX_STEPS) {
      throw new MujocoEnvError({ code: 'EVAL_ENV_EPISODE_OVER', envId: this.spec.envId, step: this.#step })
    }
    const mj = this.#mj
    const d = this.#data
    let clipped = 0
    const take = (v: number | undefined, lo: number, hi: number): number => {
      const x = typeof v === 'number' && Number.isFinite(v) ? v : 0
      const c = clip(x, lo, hi)
      if (c !== v) clipped++
      return c
    }
    const twist = action.continuous.ee_twist ?? []
    const mocap = d.mocap_pos as Float64Array
    const base = 3 * this.#ids.handMocap
    for (let k = 0; k < 3; k++) {
      const target = mocap[base + k]! + take(twist[k] ?? 0, -1, 1) * MAX_STEP_DISPLACEMENT
      mocap[base + k] = clip(target, MOCAP_LOW[k]!, MOCAP_HIGH[k]!)
    }
    // The angular half of the twist has no effect (the hand does not rotate) but is still range-checked.
    for (let k = 3; k < 6; k++) take(twist[k] ?? 0, -1, 1)
    const grip = take(action.continuous.gripper?.[0] ?? 0, 0, 1)
    const ctrl = d.ctrl as Float64Array
    ctrl[0] = grip * FINGER_CTRL_MAX
    ctrl[1] = grip * FINGER_CTRL_MAX
    const t0 = d.time
    for (let i = 0; i < FRAME_SKIP; i++) mj.mj_step(this.#model, d)
    this.#step++
    this.#checkStable(t0)
    const ev = this.#task.evaluate(this.#sim, this.#params)
    return {
      obs: this.#observe(),
      reward: ev.reward,
      done: this.#step >= MAX_STEPS,
      success: ev.success,
      info: { success: ev.success, step: this.#step, action_clipped: clipped, ...ev.metrics },
    }
  }

  /**
   * MuJoCo silently resets the data when qpos/qvel/qacc go bad (printing a warning), so divergence shows as
   * a bad-state warning count above zero (mj_resetData clears them at reset), as time not advancing by
   * exactly FRAME_SKIP substeps, or as non-finite state.
   */
  #checkStable(t0: number): void {
    const d = this.#data
    let reason = ''
    if (this.#badStateWarnings() > 0) reason = 'simulator reset itself (bad qpos/qvel/qacc warning)'
    else if (Math.abs(d.time - (t0 + FRAME_SKIP * TIMESTEP)) > 1e-9) reason = 'simulation time jumped'
    else {
      for (const arr of [d.qpos as Float64Array, d.qvel as Float64Array]) {
        for (const x of arr) if (!Number.isFinite(x)) reason = 'non-finite state'
      }
    }
    if (reason !== '') {
      const step = this.#step
      this.#step = MAX_STEPS
      throw new MujocoEnvError(
        { code: 'EVAL_ENV_UNSTABLE', envId: this.spec.envId, step, reason },
        `the simulation diverged at step ${step}: ${reason}`,
      )
    }
  }

  #badStateWarnings(): number {
    const w = this.#mj.mjtWarning
    // `warning` and its elements are copies owned by JS: delete them or they leak WASM memory.
    const vec = this.#data.warning
    let n = 0
    try {
      for (const k of [w.mjWARN_BADQPOS.value, w.mjWARN_BADQVEL.value, w.mjWARN_BADQACC.value]) {
        const stat = vec.get(k)
        if (stat === undefined) continue
        n += stat.number
        stat.delete()
      }
    } finally {
      vec.delete()
    }
    return n
  }

  stateBytes(): Uint8Array {
    this.#assertOpen()
    const d = this.#data
    const parts: ArrayLike<number>[] = [
      [d.time],
      d.qpos as Float64Array,
      d.qvel as Float64Array,
      d.act as Float64Array,
      d.ctrl as Float64Array,
      d.mocap_pos as Float64Array,
      d.mocap_quat as Float64Array,
      d.qacc_warmstart as Float64Array,
      this.#params,
    ]
    let n = 0
    for (const p of parts) n += p.length
    const out = new Uint8Array(8 * n)
    const view = new DataView(out.buffer)
    let off = 0
    for (const p of parts) {
      for (let i = 0; i < p.length; i++, off += 8) view.setFloat64(off, p[i]!, true)
    }
    return out
  }

  positions(): Record<string, Vec3> {
    this.#assertOpen()
    const sim = this.#sim
    const out: Record<string, Vec3> = { effector: sim.tcp() }
    const family = this.#task.family
    if (family === 'push' || family === 'pick-place') out.object = sim.objectPos()
    if (this.#ids.goalMocap >= 0) {
      const m = this.#data.mocap_pos as Float64Array
      const i = 3 * this.#ids.goalMocap
      out.target = [m[i]!, m[i + 1]!, m[i + 2]!]
    } else {
      // Fixture tasks have no goal marker: the effector's target is the part it must press or pull.
      out.target = sim.geomPos(family === 'button-press' ? 'button' : 'handle')
    }
    return out
  }

  render(camera: string): ImageTensor {
    this.#assertOpen()
    let cam = this.#cameras.find((c) => c.spec.name === camera)?.cam ?? this.#renderCams.get(camera)
    if (cam === undefined) {
      cam = this.#makeCameraChecked({ name: camera, width: 84, height: 84, depth: false })
      this.#renderCams.set(camera, cam)
    }
    return cam.render(this.#mj, this.#model, this.#data, this.#colors).rgb
  }

  #makeCameraChecked(spec: CameraSpec): RayCamera {
    const reason = cameraProblem(spec)
    if (reason !== undefined) {
      throw new MujocoEnvError({ code: 'EVAL_ENV_BAD_CAMERA', envId: this.spec.envId, camera: spec.name, reason })
    }
    return this.#makeCamera(spec.name, spec.width, spec.height)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const c of this.#cameras) c.cam.delete()
    for (const c of this.#renderCams.values()) c.delete()
    this.#data.delete()
    this.#model.delete()
  }

  #observe(): Observation {
    const d = this.#data
    const ids = this.#ids
    const site = d.site_xpos as Float64Array
    const xquat = d.xquat as Float64Array
    const qpos = d.qpos as Float64Array
    const qvel = d.qvel as Float64Array
    const cvel = d.cvel as Float64Array
    const q = 4 * ids.hand
    const closed = (qpos[ids.fingerR]! + qpos[ids.fingerL]!) / (2 * FINGER_TRAVEL)
    const obs: Observation = {
      proprio: {
        ee_pos: [site[3 * ids.tcp]!, site[3 * ids.tcp + 1]!, site[3 * ids.tcp + 2]!],
        ee_quat: [xquat[q + 1]!, xquat[q + 2]!, xquat[q + 3]!, xquat[q]!],
        ee_vel_lin: [qvel[ids.handDof]!, qvel[ids.handDof + 1]!, qvel[ids.handDof + 2]!],
        ee_vel_ang: [cvel[6 * ids.hand]!, cvel[6 * ids.hand + 1]!, cvel[6 * ids.hand + 2]!],
        gripper: [clip(closed, 0, 1)],
      },
      rgb: {},
      depth: {},
      camIntrinsics: {},
      camExtrinsics: {},
      extra: { task_prompt: this.#task.description },
    }
    for (const { spec, cam } of this.#cameras) {
      const frame: Frame = cam.render(this.#mj, this.#model, d, this.#colors)
      obs.rgb[spec.name] = frame.rgb
      if (spec.depth) obs.depth[spec.name] = frame.depth
      obs.camIntrinsics[spec.name] = cam.intrinsics
      obs.camExtrinsics[spec.name] = cam.extrinsics
    }
    return obs
  }

  #taskSim(): TaskSim {
    const ids = this.#ids
    const vec = (arr: Float64Array, i: number): Vec3 => [arr[3 * i]!, arr[3 * i + 1]!, arr[3 * i + 2]!]
    return {
      tcp: () => vec(this.#data.site_xpos as Float64Array, ids.tcp),
      objectPos: () => {
        const q = this.#data.qpos as Float64Array
        return [q[ids.objectQpos]!, q[ids.objectQpos + 1]!, q[ids.objectQpos + 2]!]
      },
      setObjectPos: (p) => {
        ;(this.#data.qpos as Float64Array).set([...p, 1, 0, 0, 0], ids.objectQpos)
      },
      setGoalPos: (p) => {
        ;(this.#data.mocap_pos as Float64Array).set(p, 3 * ids.goalMocap)
      },
      setBodyPos: (body, p) => {
        ;(this.#model.body_pos as Float64Array).set(p, 3 * nameToId(this.#mj, this.#model, 'body', body))
      },
      jointPos: () => (this.#data.qpos as Float64Array)[ids.propQpos]!,
      setJointPos: (_joint, q) => {
        ;(this.#data.qpos as Float64Array)[ids.propQpos] = q
      },
      geomPos: (geom) => vec(this.#data.geom_xpos as Float64Array, nameToId(this.#mj, this.#model, 'geom', geom)),
    }
  }
}

function resolveIds(mj: Mujoco, model: MjModel, task: TaskDefinition) {
  const id = (kind: 'body' | 'joint' | 'site', name: string) => nameToId(mj, model, kind, name)
  const qposAdr = (joint: string) => (model.jnt_qposadr as Int32Array)[id('joint', joint)]!
  const mocapOf = (body: string) => (model.body_mocapid as Int32Array)[id('body', body)]!
  const hasGoal = task.family === 'reach' || task.family === 'push' || task.family === 'pick-place'
  const hasObject = task.family === 'push' || task.family === 'pick-place'
  const props: Partial<Record<string, string>> = {
    'button-press': 'button',
    'drawer-close': 'drawer',
    'door-open': 'door',
  }
  const prop = props[task.family]
  return {
    hand: id('body', 'hand'),
    handDof: (model.jnt_dofadr as Int32Array)[id('joint', 'hand_x')]!,
    handMocap: mocapOf('mocap'),
    tcp: id('site', 'tcp'),
    fingerR: qposAdr('finger_r'),
    fingerL: qposAdr('finger_l'),
    goalMocap: hasGoal ? mocapOf('goal') : -1,
    objectQpos: hasObject ? qposAdr('object') : -1,
    propQpos: prop === undefined ? -1 : qposAdr(prop),
  }
}
