import { createMujocoEnvironmentFactory, MUJOCO_ENV_IDS } from '../../src/env/mujoco/index.js'
import { environmentSuite } from './environment.suite.js'

for (const envId of MUJOCO_ENV_IDS) {
  environmentSuite(`built-in ${envId}`, async () => ({
    factory: createMujocoEnvironmentFactory(),
    envId,
    teardown: async () => {},
  }))
}
