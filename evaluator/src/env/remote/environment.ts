import { type Logger, silentLogger } from '#protocol'
import { EpisodeError } from '../../episode/errors.js'
import type { WireAction, WireObservation } from '../../policy/wire.js'
import { decodeObservation } from '../../policy/wire.js'
import type {
  Action,
  CameraSpec,
  Environment,
  EnvironmentFactory,
  EnvironmentSpec,
  Observation,
  StepResult,
  TaskConfig,
} from '../types.js'
import { createEnvContainerClient, type EnvContainerClient } from './client.js'
import { RemoteEnvCallError, RemoteEnvError } from './errors.js'

/**
 * The step-driven contract: Actor methods an environment container must expose so that our runner owns
 * the loop (and the hash chain, replay and spot-checks work as for in-process envs). Extension of the
 * affinetes protocol; names are snake_case like the reference Actor's.
 *
 * | method | args | result |
 * |---|---|---|
 * | `list_environments` | — | `string[]` env ids (the reference warm-up call) |
 * | `env_spec` | `env_id` | {@link WireEnvSpec} |
 * | `open_session` | `env_id` | `string` session id (one per concurrent episode) |
 * | `reset` | `session_id, task_config {env_id, task_id, seed, params}` | `{obs, state}` |
 * | `step` | `session_id, action {continuous, discrete, extra}` | `{obs, reward, done, success, info, state}` |
 * | `close_session` | `session_id` | anything |
 *
 * `obs` is the reference policy observation JSON (base64 images); `state` is base64 of the env's
 * canonical state bytes after the call, so `stateBytes()` needs no extra round trip. The container is
 * validator-side, so it may see the seed; it must never pass it to the policy.
 */
export const STEP_DRIVEN_METHODS = [
  'list_environments',
  'env_spec',
  'open_session',
  'reset',
  'step',
  'close_session',
] as const

/** `env_spec` answer. */
export interface WireEnvSpec {
  env_id: string
  family: string
  description?: string
  max_steps: number
  control_hz: number
  cameras?: { name: string; width: number; height: number; depth?: boolean }[]
  action_keys: Record<string, number>
  proprio_keys: Record<string, number>
  simulator: { name: string; version: string }
}

interface WireResetResult {
  obs: WireObservation
  state: string
}

interface WireStepResult extends WireResetResult {
  reward: number
  done: boolean
  success: boolean
  info?: Record<string, unknown>
}

export interface RemoteEnvironmentOptions {
  /** Base URL of the container (`http://host:8000`). */
  url: string
  /** Deadline of `reset`/`step` calls (the sim runs remotely, plus network). @default 10000 */
  callTimeoutMs?: number
  /** Deadline of set-up calls (health, methods, specs; the Actor is built lazily on the first). @default 60000 */
  connectTimeoutMs?: number
  logger?: Logger
  signal?: AbortSignal
}

function isCounts(v: unknown): v is Record<string, number> {
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.values(v).every((n) => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 4096)
  )
}

/** Validates an `env_spec` answer into our {@link EnvironmentSpec}; throws `EVAL_REMOTE_ENV_BAD_SPEC`. */
export function parseWireSpec(url: string, envId: string, raw: unknown): EnvironmentSpec {
  const bad = (reason: string): never => {
    throw new RemoteEnvError(
      { code: 'EVAL_REMOTE_ENV_BAD_SPEC', url, envId, reason },
      `bad env_spec for ${envId}: ${reason}`,
    )
  }
  const w = raw as Partial<WireEnvSpec> | null
  if (typeof w !== 'object' || w === null) return bad('not an object')
  if (w.env_id !== envId) bad(`env_id ${String(w.env_id)}`)
  if (!(Number.isInteger(w.max_steps) && (w.max_steps as number) > 0)) bad('max_steps')
  if (!(typeof w.control_hz === 'number' && w.control_hz > 0)) bad('control_hz')
  if (!isCounts(w.action_keys)) bad('action_keys')
  if (!isCounts(w.proprio_keys)) bad('proprio_keys')
  if (typeof w.simulator?.name !== 'string' || typeof w.simulator?.version !== 'string') bad('simulator')
  const cameras: CameraSpec[] = (w.cameras ?? []).map((c) => ({
    name: String(c.name),
    width: Number(c.width),
    height: Number(c.height),
    depth: c.depth === true,
  }))
  return {
    envId,
    family: typeof w.family === 'string' ? w.family : (envId.split('/')[0] ?? envId),
    description: typeof w.description === 'string' ? w.description : '',
    maxSteps: w.max_steps as number,
    controlHz: w.control_hz as number,
    cameras,
    actionKeys: { ...(w.action_keys as Record<string, number>) },
    proprioKeys: { ...(w.proprio_keys as Record<string, number>) },
    simulator: { name: w.simulator!.name, version: w.simulator!.version },
  }
}

function decodeState(method: string, state: unknown): Uint8Array {
  if (typeof state !== 'string') throw new RemoteEnvCallError('env_error', method, 'answer has no base64 state')
  const buf = Buffer.from(state, 'base64')
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

function decodeObs(method: string, obs: unknown): Observation {
  if (typeof obs !== 'object' || obs === null) throw new RemoteEnvCallError('env_error', method, 'answer has no obs')
  return decodeObservation(obs as WireObservation)
}

class RemoteEnvironment implements Environment {
  readonly spec: EnvironmentSpec
  readonly #client: EnvContainerClient
  readonly #timeoutMs: number
  #session: string | undefined
  #state: Uint8Array = new Uint8Array(0)

  constructor(spec: EnvironmentSpec, client: EnvContainerClient, timeoutMs: number) {
    this.spec = spec
    this.#client = client
    this.#timeoutMs = timeoutMs
  }

  async #sessionId(): Promise<string> {
    if (this.#session === undefined) {
      const id = await this.#client.call<unknown>('open_session', [this.spec.envId], {}, { timeoutMs: this.#timeoutMs })
      if (typeof id !== 'string' || id === '')
        throw new RemoteEnvCallError('env_error', 'open_session', 'no session id')
      this.#session = id
    }
    return this.#session
  }

  async reset(task: TaskConfig): Promise<Observation> {
    const session = await this.#sessionId()
    const config = { env_id: task.envId, task_id: task.taskId, seed: task.seed, params: task.params }
    const r = await this.#client.call<WireResetResult>('reset', [session, config], {}, { timeoutMs: this.#timeoutMs })
    this.#state = decodeState('reset', r?.state)
    return decodeObs('reset', r?.obs)
  }

  async step(action: Action): Promise<StepResult> {
    const session = await this.#sessionId()
    const wire: WireAction = { continuous: action.continuous, discrete: action.discrete, extra: action.extra }
    const r = await this.#client.call<WireStepResult>('step', [session, wire], {}, { timeoutMs: this.#timeoutMs })
    const obs = decodeObs('step', r?.obs)
    if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) {
      throw new RemoteEnvCallError('env_error', 'step', 'reward is not a finite number')
    }
    this.#state = decodeState('step', r.state)
    return { obs, reward: r.reward, done: r.done === true, success: r.success === true, info: r.info ?? {} }
  }

  /** The state the container sent with the last reset/step. */
  stateBytes(): Uint8Array {
    return this.#state
  }

  async close(): Promise<void> {
    const session = this.#session
    this.#session = undefined
    if (session !== undefined) {
      await this.#client.call('close_session', [session], {}, { timeoutMs: this.#timeoutMs }).catch(() => {})
    }
  }
}

/**
 * Connects to a step-driven environment container (see {@link STEP_DRIVEN_METHODS}) and returns a factory
 * for the envs it lists. Throws {@link RemoteEnvError} when the container is unreachable, lacks a method,
 * or describes an env badly; once running, failures end episodes with `env_unavailable`/`env_error`.
 */
export async function createRemoteEnvironmentFactory(opts: RemoteEnvironmentOptions): Promise<EnvironmentFactory> {
  const log = (opts.logger ?? silentLogger).child('evaluator:env-remote')
  const callTimeoutMs = opts.callTimeoutMs ?? 10_000
  const client = createEnvContainerClient(opts.url, opts.connectTimeoutMs ?? 60_000)
  const setup = { signal: opts.signal }
  let names: string[]
  try {
    await client.health(setup)
    names = (await client.methods(setup)).map((m) => m.name)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new RemoteEnvError({ code: 'EVAL_REMOTE_ENV_UNREACHABLE', url: client.baseUrl, reason }, reason, {
      cause: err,
    })
  }
  const missing = STEP_DRIVEN_METHODS.filter((m) => !names.includes(m))
  if (missing.length > 0) {
    throw new RemoteEnvError(
      { code: 'EVAL_REMOTE_ENV_UNSUPPORTED', url: client.baseUrl, missing },
      `environment container lacks ${missing.join(', ')}`,
    )
  }
  const ids = await client.call<unknown>('list_environments', [], {}, setup)
  if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) {
    throw new RemoteEnvError({
      code: 'EVAL_REMOTE_ENV_BAD_SPEC',
      url: client.baseUrl,
      envId: '*',
      reason: 'list_environments',
    })
  }
  const specs = new Map<string, EnvironmentSpec>()
  for (const id of ids as string[]) {
    specs.set(id, parseWireSpec(client.baseUrl, id, await client.call('env_spec', [id], {}, setup)))
  }
  log.info('remote environment container connected', { url: client.baseUrl, envs: [...specs.keys()] })
  return {
    list: () => [...specs.values()],
    async create(envId) {
      const spec = specs.get(envId)
      if (spec === undefined) {
        throw new EpisodeError(
          { code: 'EVAL_EPISODE_ENV_UNKNOWN', envId, known: [...specs.keys()] },
          `unknown env ${envId}`,
        )
      }
      return new RemoteEnvironment(spec, client, callTimeoutMs)
    },
  }
}
