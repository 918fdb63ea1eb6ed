import loadMujocoModule, { type MainModule, type MjModel } from 'mujoco-js'
import { MujocoEnvError } from './errors.js'

/** The loaded MuJoCo WASM module (mujoco-js). */
export type Mujoco = MainModule

/**
 * MuJoCo version of the pinned `mujoco-js@0.0.7` build. The loader checks the module reports the same
 * string, so a silently upgraded package cannot change simulation results without changing the recorded
 * version.
 */
export const MUJOCO_VERSION = '3.3.8'

/** What every result records as the simulator. */
export const MUJOCO_SIMULATOR: Readonly<{ name: string; version: string }> = Object.freeze({
  name: 'mujoco',
  version: MUJOCO_VERSION,
})

let modulePromise: Promise<Mujoco> | undefined

/**
 * The process-wide MuJoCo module. Initialising costs ~0.3 s and ~100 MB, so it happens once per process
 * (or worker thread: each has its own module scope).
 */
export function loadMujoco(): Promise<Mujoco> {
  modulePromise ??= loadMujocoModule().then(
    (mj) => {
      const version = mj.mj_versionString()
      if (version !== MUJOCO_VERSION) {
        throw new MujocoEnvError(
          { code: 'EVAL_ENV_LOAD_FAILED', envId: '*', reason: `mujoco-js reports ${version}` },
          `mujoco-js reports MuJoCo ${version}, expected ${MUJOCO_VERSION}`,
        )
      }
      mj.FS.mkdirTree('/kinitro/scenes', 0o777)
      return mj
    },
    (err: unknown) => {
      modulePromise = undefined
      throw new MujocoEnvError(
        { code: 'EVAL_ENV_LOAD_FAILED', envId: '*', reason: String(err) },
        'the MuJoCo WASM module failed to load',
        { cause: err },
      )
    },
  )
  return modulePromise
}

const compiled = new Map<string, MjModel>()

/**
 * Compiles `xml` once per process and returns a private copy: environments edit their model (object and
 * fixture placement per episode), so they never share one.
 */
export function modelFromXml(mj: Mujoco, key: string, xml: string, envId: string): MjModel {
  let base = compiled.get(key)
  if (base === undefined) {
    const path = `/kinitro/scenes/${key.replace(/[^a-z0-9-]/gi, '_')}.xml`
    try {
      mj.FS.writeFile(path, xml)
      base = mj.MjModel.loadFromXML(path)
    } catch (err) {
      throw new MujocoEnvError(
        { code: 'EVAL_ENV_LOAD_FAILED', envId, reason: String(err) },
        `MuJoCo could not compile the ${envId} scene`,
        { cause: err },
      )
    } finally {
      try {
        mj.FS.unlink(path)
      } catch {}
    }
    compiled.set(key, base)
  }
  return new mj.MjModel(base)
}

/** Id of a named MuJoCo object, or throws (a scene bug, caught by every test). */
export function nameToId(
  mj: Mujoco,
  model: MjModel,
  kind: 'body' | 'joint' | 'site' | 'camera' | 'geom',
  name: string,
): number {
  const obj = {
    body: mj.mjtObj.mjOBJ_BODY,
    joint: mj.mjtObj.mjOBJ_JOINT,
    site: mj.mjtObj.mjOBJ_SITE,
    camera: mj.mjtObj.mjOBJ_CAMERA,
    geom: mj.mjtObj.mjOBJ_GEOM,
  }[kind]
  const id = mj.mj_name2id(model, obj.value, name)
  if (id < 0) throw new Error(`scene has no ${kind} named ${name}`)
  return id
}
