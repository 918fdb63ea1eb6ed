import { readFileSync } from 'node:fs'
import { parse as parseToml } from 'smol-toml'
import { z } from 'zod'
import { MUJOCO_ENV_IDS, TOY_POINT_REACH_ID } from '#evaluator'
import {
  type CompetitionManifest,
  type CompetitionManifestInit,
  createCompetitionManifest,
  DEFAULT_STRATEGY_ID,
  isValidationError,
  SCORING_STRATEGIES,
  type TaskInit,
  validateCompetitionManifest,
} from '#protocol'
import { badSpec, type SpecIssue } from './competition-errors.js'

/**
 * Blocks per evaluation cycle when the spec names none: the weight setter's default interval (360 blocks,
 * node/src/weights/constants.ts), so each weight update sees one fresh cycle of results.
 */
export const DEFAULT_CYCLE_LENGTH_BLOCKS = 360

/** Built-in task families and their ids; other families are remote env containers this tool cannot list. */
const BUILT_IN_ENVS: Readonly<Record<string, readonly string[]>> = {
  mujoco: MUJOCO_ENV_IDS,
  toy: [TOY_POINT_REACH_ID],
}

const taskSchema = z.union([
  z.string().min(1),
  z.strictObject({
    envId: z.string().min(1),
    taskId: z.string().min(1).optional(),
    params: z.record(z.string(), z.string()).optional(),
  }),
])

/**
 * A competition as the owner writes it (TOML file, flags on top). Keys are camelCase like the node's
 * config; unknown keys are errors, so a typo never silently drops a setting.
 *
 * ```toml
 * id = "reach-2026"
 * name = "Reach, 2026 season"
 * tasks = ["mujoco/reach-v1", "mujoco/push-v1:push-far", { envId = "mujoco/pick-place-v1", params = { size = "small" } }]
 * episodesPerTask = 8
 * maxSteps = 200
 * cycleLengthBlocks = 360
 * [scoring]
 * strategy = "kinitro-subset-v1"
 * params = { margin = 0.05 }
 * ```
 */
export const competitionSpecSchema = z.strictObject({
  id: z.string().min(1),
  /** @default the id */
  name: z.string().min(1).optional(),
  /** `env_id[:task_id]` (task id defaults to the env id's last path segment) or a table with params. */
  tasks: z.array(taskSchema).min(1),
  episodesPerTask: z.number().int().min(1),
  maxSteps: z.number().int().min(1),
  scoring: z
    .strictObject({
      strategy: z.string().min(1).default(DEFAULT_STRATEGY_ID),
      params: z.record(z.string(), z.number()).default({}),
    })
    .prefault({}),
  /** @default the block after the chain head */
  startBlock: z.number().int().min(0).optional(),
  /** 0 = open-ended. */
  endBlock: z.number().int().min(0).default(0),
  points: z.number().int().min(1).default(1),
  cycleLengthBlocks: z.number().int().min(1).default(DEFAULT_CYCLE_LENGTH_BLOCKS),
})

/** A validated spec. */
export type CompetitionSpec = z.output<typeof competitionSpecSchema>

/** Flags of `kinitro competition create`, as commander hands them over (strings until validated). */
export interface SpecFlags {
  id?: string
  name?: string
  task?: string[]
  episodesPerTask?: string
  maxSteps?: string
  strategy?: string
  param?: string[]
  startBlock?: string
  endBlock?: string
  points?: string
  cycleLength?: string
}

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))

/** Read a spec TOML file into plain data (validated later, with the flags on top). */
export function readSpecFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw badSpec([{ field: '--spec', problem: `cannot read ${path}: ${(err as Error).message}` }])
  }
  try {
    return parseToml(text) as Record<string, unknown>
  } catch (err) {
    throw badSpec([{ field: '--spec', problem: `${path} is not valid TOML: ${(err as Error).message}` }])
  }
}

/**
 * Merge the file and the flags (flags win; `--task` replaces the file's tasks, `--param` adds to its
 * scoring params) and validate the shape. Pure, so every combination is unit-tested without a chain.
 *
 * @throws {@link CompetitionError} `NODE_COMPETITION_BAD_SPEC` listing every bad field.
 */
export function specFrom(file: Record<string, unknown>, flags: SpecFlags): CompetitionSpec {
  const merged: Record<string, unknown> = { ...file }
  const set = (key: string, value: unknown) => {
    if (value !== undefined) merged[key] = value
  }
  set('id', flags.id)
  set('name', flags.name)
  if (flags.task !== undefined && flags.task.length > 0) merged.tasks = flags.task
  set('episodesPerTask', num(flags.episodesPerTask))
  set('maxSteps', num(flags.maxSteps))
  set('startBlock', num(flags.startBlock))
  set('endBlock', num(flags.endBlock))
  set('points', num(flags.points))
  set('cycleLengthBlocks', num(flags.cycleLength))
  const issues: SpecIssue[] = []
  if (flags.strategy !== undefined || (flags.param?.length ?? 0) > 0) {
    const scoring = { ...((file.scoring as Record<string, unknown> | undefined) ?? {}) }
    if (flags.strategy !== undefined) scoring.strategy = flags.strategy
    const params = { ...((scoring.params as Record<string, unknown> | undefined) ?? {}) }
    for (const p of flags.param ?? []) {
      const eq = p.indexOf('=')
      const value = Number(p.slice(eq + 1))
      if (eq <= 0 || p.slice(eq + 1).trim() === '' || !Number.isFinite(value)) {
        issues.push({ field: '--param', problem: `${JSON.stringify(p)} is not key=number` })
      } else params[p.slice(0, eq)] = value
    }
    scoring.params = params
    merged.scoring = scoring
  }
  const parsed = competitionSpecSchema.safeParse(merged)
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      if (i.code === 'unrecognized_keys') {
        for (const k of i.keys) issues.push({ field: [...i.path, k].join('.'), problem: 'no such key' })
      } else issues.push({ field: i.path.join('.') || '(spec)', problem: i.message })
    }
  }
  if (issues.length > 0 || !parsed.success) throw badSpec(issues)
  return parsed.data
}

/** `env_id[:task_id]` → a task; the task id defaults to the env id's last path segment. */
export function parseTask(entry: CompetitionSpec['tasks'][number]): TaskInit {
  if (typeof entry !== 'string') {
    return { envId: entry.envId, taskId: entry.taskId ?? defaultTaskId(entry.envId), params: entry.params ?? {} }
  }
  const colon = entry.indexOf(':')
  if (colon < 0) return { envId: entry, taskId: defaultTaskId(entry) }
  return { envId: entry.slice(0, colon), taskId: entry.slice(colon + 1) }
}

function defaultTaskId(envId: string): string {
  return envId.split('/').pop() || envId
}

/** Where the chain stands when the manifest is made. */
export interface ManifestContext {
  netuid: number
  /** The chain head: the manifest's block, and the default start is the block after it. */
  head: number
}

/**
 * Build the manifest and check everything the mesh and the scorer will: the protocol's content rules
 * (ids, bounds, block window), a known scoring strategy with parameters its schema accepts, and built-in
 * environment ids that exist. A refused manifest is caught here, before anything is signed.
 *
 * @throws {@link CompetitionError} `NODE_COMPETITION_BAD_SPEC`.
 */
export function buildManifest(spec: CompetitionSpec, ctx: ManifestContext): CompetitionManifest {
  const issues: SpecIssue[] = []
  const tasks = spec.tasks.map(parseTask)
  for (const [i, t] of tasks.entries()) {
    const family = t.envId.split('/')[0] ?? ''
    const known = BUILT_IN_ENVS[family]
    if (known !== undefined && !known.includes(t.envId)) {
      issues.push({ field: `tasks[${i}]`, problem: `${t.envId} is not a built-in task; known: ${known.join(', ')}` })
    }
  }
  const strategy = SCORING_STRATEGIES.get(spec.scoring.strategy)
  if (strategy === undefined) {
    const known = [...SCORING_STRATEGIES.keys()].join(', ')
    issues.push({ field: 'scoring.strategy', problem: `unknown strategy ${spec.scoring.strategy}; known: ${known}` })
  } else {
    const p = strategy.paramsSchema.safeParse(spec.scoring.params)
    if (!p.success) {
      for (const i of p.error.issues) {
        const keys = i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.')
        issues.push({ field: `scoring.params${keys === '' ? '' : `.${keys}`}`, problem: i.message })
      }
    }
  }
  const init: CompetitionManifestInit = {
    netuid: ctx.netuid,
    block: ctx.head,
    id: spec.id,
    name: spec.name ?? spec.id,
    tasks,
    episodesPerTask: spec.episodesPerTask,
    maxSteps: spec.maxSteps,
    scoring: spec.scoring,
    startBlock: spec.startBlock ?? ctx.head + 1,
    endBlock: spec.endBlock,
    points: spec.points,
    cycleLengthBlocks: spec.cycleLengthBlocks,
  }
  if (init.endBlock !== 0 && (init.endBlock ?? 0) <= init.startBlock) {
    issues.push({ field: 'endBlock', problem: `must be after startBlock ${init.startBlock} (0 = open-ended)` })
  }
  const manifest = createCompetitionManifest(init)
  if (issues.length > 0) throw badSpec(issues)
  try {
    validateCompetitionManifest(manifest, { netuid: ctx.netuid, signer: new Uint8Array(32), headBlock: ctx.head })
  } catch (err) {
    if (!isValidationError(err)) throw err
    const { field, actual, limit } = err.meta
    const bound = limit === undefined ? 'malformed or out of bounds' : `${actual ?? '?'} exceeds the limit ${limit}`
    throw badSpec([{ field: field ?? '(manifest)', problem: `${bound} (${err.meta.code})` }])
  }
  return manifest
}
