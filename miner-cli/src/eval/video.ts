import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Action,
  type Environment,
  type EnvironmentFactory,
  encodeMp4,
  type ImageTensor,
  type TaskConfig,
} from '#evaluator'
import { evalError } from './errors.js'

export interface VideoOptions {
  /** Folder the MP4 files go to (created when missing). */
  dir: string
  width: number
  height: number
  /** @default the task's first camera */
  camera?: string
  fps: number
}

/**
 * Films one task's episodes with a twin environment: the twin gets the same task and the same actions, so
 * (the simulation being deterministic) it goes through the same states, and renders the film camera at video
 * size without changing what the policy sees.
 */
export interface Film {
  start(task: TaskConfig): Promise<void>
  step(action: Action): Promise<void>
  /** Encodes the episode's frames to `<dir>/<file>`; returns the path, or undefined when nothing was filmed. */
  finish(file: string): Promise<string | undefined>
  close(): Promise<void>
}

export async function openFilm(factory: EnvironmentFactory, envId: string, opts: VideoOptions): Promise<Film> {
  const spec = factory.list().find((s) => s.envId === envId)
  const camera = opts.camera ?? spec?.cameras[0]?.name
  if (camera === undefined) {
    throw evalError('MINER_EVAL_VIDEO_FAILED', envId, `${envId} has no camera to film`)
  }
  let twin: Environment
  try {
    twin = await factory.create(envId, {
      cameras: [{ name: camera, width: opts.width, height: opts.height, depth: false }],
    })
  } catch (err) {
    throw evalError(
      'MINER_EVAL_VIDEO_FAILED',
      camera,
      `cannot film ${envId} with camera ${camera}: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
  let frames: ImageTensor[] = []
  const shoot = () => {
    const frame = twin.render?.(camera)
    if (frame !== undefined) frames.push(frame)
  }
  return {
    async start(task) {
      frames = []
      await twin.reset(task)
      shoot()
    },
    async step(action) {
      await twin.step(action)
      shoot()
    },
    async finish(file) {
      if (frames.length === 0) return undefined
      const { mp4 } = await encodeMp4({ frames, fps: opts.fps, camera })
      frames = []
      mkdirSync(opts.dir, { recursive: true })
      const path = join(opts.dir, file)
      writeFileSync(path, mp4)
      return path
    },
    close: () => twin.close(),
  }
}

/** `mujoco/reach-v1`, episode 2, seed 7 → `mujoco_reach-v1-ep2-seed7.mp4`. */
export function videoFileName(envId: string, episode: number, seed: number): string {
  return `${envId.replace(/[^A-Za-z0-9._-]/g, '_')}-ep${episode}-seed${seed}.mp4`
}
