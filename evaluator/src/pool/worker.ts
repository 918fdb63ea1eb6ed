import { parentPort, workerData } from 'node:worker_threads'
import type { Environment, EnvironmentFactory, EnvironmentOptions } from '../env/types.js'
import { detailOf, failureOf } from '../episode/failure.js'
import { runEpisode } from '../episode/run-episode.js'
import { failedTrace } from '../episode/synthetic.js'
import { createPolicyClient } from '../policy/client.js'
import type { PolicyClient, PolicyEndpoint, PolicyLimits } from '../policy/types.js'
import type { FromWorker, ToWorker, WorkerInit } from './messages.js'
import type { ModuleRef, PoolEpisodeRequest } from './types.js'

// One episode at a time per worker: the pool never sends a second `run` before `done`. The env factory,
// environments and policy clients live as long as the worker, so a MuJoCo module loads once per thread.

type ClientMaker = (endpoint: PolicyEndpoint, opts: { limits: PolicyLimits }) => PolicyClient

const init = workerData as WorkerInit
const port = parentPort
if (port === null) throw new Error('pool worker started outside a worker thread')

async function loadExport<T>(ref: ModuleRef): Promise<T> {
  const mod = (await import(ref.specifier)) as Record<string, unknown>
  const value = mod[ref.exportName]
  if (typeof value !== 'function') throw new Error(`${ref.specifier} has no function export ${ref.exportName}`)
  return value as T
}

let factory: Promise<EnvironmentFactory> | undefined
const envs = new Map<string, Environment>()
let makeClient: Promise<ClientMaker> | undefined
const clients = new Map<string, PolicyClient>()
const running = new Map<number, AbortController>()

function send(msg: FromWorker): void {
  port?.postMessage(msg)
}

async function envFor(envId: string, options: EnvironmentOptions | undefined): Promise<Environment> {
  factory ??= loadExport<() => EnvironmentFactory>(init.envModule).then((make) => make())
  const key = JSON.stringify([envId, options ?? null])
  let env = envs.get(key)
  if (env === undefined) {
    env = await (await factory).create(envId, options)
    envs.set(key, env)
  }
  return env
}

async function clientFor(endpoint: PolicyEndpoint, limits: PolicyLimits): Promise<PolicyClient> {
  makeClient ??= init.policyModule ? loadExport<ClientMaker>(init.policyModule) : Promise.resolve(createPolicyClient)
  // Limits are part of the key: the client enforces them per call.
  const key = JSON.stringify([endpoint.url, endpoint.socketPath ?? '', limits])
  let client = clients.get(key)
  if (client === undefined) {
    client = (await makeClient)(endpoint, { limits })
    clients.set(key, client)
  }
  return client
}

async function run(id: number, req: PoolEpisodeRequest): Promise<void> {
  const ctl = new AbortController()
  running.set(id, ctl)
  try {
    let env: Environment
    let policy: PolicyClient
    try {
      env = await envFor(req.task.envId, req.envOptions)
    } catch (err) {
      send({
        type: 'done',
        id,
        trace: failedTrace(req.task, req.episodeIndex, failureOf(err, 'env_error'), detailOf(err)),
      })
      return
    }
    try {
      policy = await clientFor(req.endpoint, req.limits)
    } catch (err) {
      send({ type: 'done', id, trace: failedTrace(req.task, req.episodeIndex, 'validator_internal', detailOf(err)) })
      return
    }
    let lastSuccess = false
    const trace = await runEpisode({
      env,
      policy,
      task: req.task,
      episodeIndex: req.episodeIndex,
      limits: req.limits,
      snapshotEvery: req.snapshotEvery,
      recordSteps: req.recordSteps,
      terminateOnSuccess: req.terminateOnSuccess,
      signal: ctl.signal,
      onStep: (ev) => {
        lastSuccess ||= ev.result.success
        if ((ev.t + 1) % init.progressEvery === 0) send({ type: 'progress', id, steps: ev.t + 1, success: lastSuccess })
      },
    })
    send({ type: 'done', id, trace })
  } finally {
    running.delete(id)
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') running.get(msg.id)?.abort()
  // runEpisode never rejects for an episode's faults, so a rejection here is a bug of ours: rethrowing
  // kills the worker, which the pool records as validator_internal and replaces.
  else if (msg.type === 'run')
    run(msg.id, msg.req).catch((err: unknown) => {
      setImmediate(() => {
        throw err
      })
    })
})
send({ type: 'ready' })
