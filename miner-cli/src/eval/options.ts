import { randomInt } from 'node:crypto'
import { InvalidArgumentError } from 'commander'
import { DEFAULT_POLICY_LIMITS, MUJOCO_ENV_IDS } from '#evaluator'

/** Episodes per task when `--episodes` is not given: enough to see a trend, quick enough to run often. */
export const DEFAULT_EPISODES = 5
/** Frames per second of `--video` files (the tasks step at 80 Hz: a 500-step episode plays in 25 s). */
export const VIDEO_FPS = 20
export const DEFAULT_VIDEO_SIZE = '256x256'
/** The validators' wait for GET /health (`createProcessRuntime`'s default). */
export const DEFAULT_START_TIMEOUT_MS = 30_000

/**
 * Every built-in MuJoCo task: a competition may use any of them, and a miner should see all of them before
 * committing. `--tasks` narrows it (the template solves only mujoco/reach-v1).
 */
export const DEFAULT_TASKS: readonly string[] = MUJOCO_ENV_IDS

export function parseCount(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('expected an integer 1 … 100000')
  return n
}

export function parseSeed(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected an integer 0 … 2^32-1')
  return n
}

export function parseMaxSteps(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > DEFAULT_POLICY_LIMITS.maxSteps) {
    throw new InvalidArgumentError(`expected an integer 1 … ${DEFAULT_POLICY_LIMITS.maxSteps}`)
  }
  return n
}

export function parseMs(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 100 || n > 3_600_000)
    throw new InvalidArgumentError('expected milliseconds 100 … 3600000')
  return n
}

/** `0.8`, `80%` → 0.8. */
export function parseRate(value: string): number {
  const pctForm = value.trim().endsWith('%')
  const n = Number(pctForm ? value.trim().slice(0, -1) : value) / (pctForm ? 100 : 1)
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a rate 0 … 1 (or 0% … 100%)')
  return n
}

/** `256x256` → { width, height }. */
export function parseSize(value: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(value)
  const width = Number(m?.[1])
  const height = Number(m?.[2])
  if (m === null || width < 2 || height < 2 || width > 1024 || height > 1024) {
    throw new InvalidArgumentError('expected WxH between 2x2 and 1024x1024, e.g. 256x256')
  }
  return { width, height }
}

/** `a,b c` → ['a', 'b', 'c'], duplicates dropped, order kept. */
export function parseTaskList(value: string): string[] {
  const ids = value.split(/[\s,]+/).filter((s) => s !== '')
  if (ids.length === 0) throw new InvalidArgumentError('expected at least one task id')
  return [...new Set(ids)]
}

/** A fresh first seed when none is given: validators draw unpredictable seeds, so a miner should too. */
export function randomSeed(): number {
  return randomInt(0, 0xffffffff)
}
