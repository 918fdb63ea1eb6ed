// Child process for the cross-process determinism test: prints the SHA-256 chain of stateBytes for a
// fixed pseudo-random action list, one JSON line.
import { createHash } from 'node:crypto'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import { scriptedActions } from './determinism-actions.js'

const [envId = 'mujoco/pick-place-v1', seedArg = '7', stepsArg = '120'] = process.argv.slice(2)
const env = await createMujocoEnvironmentFactory().create(envId, { cameras: [] })
await env.reset({ envId, taskId: 'child', seed: Number(seedArg), params: {} })
const chain = [createHash('sha256').update(env.stateBytes()).digest('hex')]
for (const a of scriptedActions(Number(stepsArg))) {
  await env.step(a)
  chain.push(createHash('sha256').update(env.stateBytes()).digest('hex'))
}
await env.close()
console.log(JSON.stringify({ chain }))
