import type { Action, Environment, EnvironmentFactory, TaskConfig } from '../../../src/env/types.js'
import { encodeObservation, type WireAction, type WireObservation } from '../../../src/policy/wire.js'

/** The shape of evaluator/policies/{expert,random}/policy.mjs. */
export interface WirePolicy {
  reset(taskConfig: { env_id: string; env_name: string; task_name: string }): void
  act(obs: WireObservation): WireAction
}

export const task = (envId: string, seed: number, params: Record<string, string> = {}): TaskConfig => ({
  envId,
  taskId: `${envId}#test`,
  seed,
  params,
})

export function action(twist: number[], gripper: number): Action {
  return { continuous: { ee_twist: twist, gripper: [gripper] }, discrete: {}, extra: {} }
}

export const IDLE = action([0, 0, 0, 0, 0, 0], 0)

function toAction(w: WireAction): Action {
  return { continuous: w.continuous ?? {}, discrete: w.discrete ?? {}, extra: w.extra ?? {} }
}

/** Runs one episode the way the runner does (wire-encoded observations, success-once); returns the first success step or -1. */
export async function runEpisode(env: Environment, policy: WirePolicy, seed: number): Promise<number> {
  const envId = env.spec.envId
  let obs = await env.reset(task(envId, seed))
  policy.reset({ env_id: envId, env_name: 'mujoco', task_name: envId.replace(/^mujoco\//, '').replace(/-v\d+$/, '') })
  for (let t = 0; t < env.spec.maxSteps; t++) {
    const r = await env.step(toAction(policy.act(encodeObservation(obs))))
    if (r.success) return t
    obs = r.obs
  }
  return -1
}

/** Success count over seeds 1..n. */
export async function successes(
  factory: EnvironmentFactory,
  envId: string,
  policy: WirePolicy,
  n: number,
  cameras = true,
) {
  const env = await factory.create(envId, cameras ? {} : { cameras: [] })
  let ok = 0
  try {
    for (let seed = 1; seed <= n; seed++) if ((await runEpisode(env, policy, seed)) >= 0) ok++
  } finally {
    await env.close()
  }
  return ok
}
