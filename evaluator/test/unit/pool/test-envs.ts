// Env families for pool tests, imported by worker threads (one module, so one worker start serves all):
// the toy env, where a task with params.crash = 'thread' kills its worker thread at step 3 (an uncaught
// exception outside any promise), and the real MuJoCo tasks, loaded only when asked for.
import { createToyEnvironmentFactory } from '../../../src/env/toy/index.js'
import type { EnvironmentFactory } from '../../../src/env/types.js'

export function createTestEnvFactory(): EnvironmentFactory {
  const toy = createToyEnvironmentFactory()
  return {
    list: () => toy.list(),
    async create(envId, options) {
      if (envId.startsWith('mujoco/')) {
        const { createMujocoEnvironmentFactory } = await import('../../../src/env/mujoco/index.js')
        return createMujocoEnvironmentFactory().create(envId, options)
      }
      const env = await toy.create(envId)
      let crash = false
      let steps = 0
      return {
        spec: env.spec,
        async reset(task) {
          crash = task.params.crash === 'thread'
          steps = 0
          return env.reset(task)
        },
        async step(action) {
          if (crash && ++steps === 3) {
            setImmediate(() => {
              throw new Error('simulated native crash')
            })
            await new Promise(() => {})
          }
          return env.step(action)
        },
        stateBytes: () => env.stateBytes(),
        close: () => env.close(),
      }
    },
  }
}
