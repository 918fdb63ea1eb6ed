import { createRemoteEnvironmentFactory } from '../../src/env/remote/index.js'
import { createToyEnvironmentFactory, TOY_POINT_REACH_ID } from '../../src/env/toy/index.js'
import { startEnvContainerStandin } from '../utils/env-container-standin.js'
import { environmentSuite } from './environment.suite.js'

// The remote (step-driven env container) back-end over a real HTTP stand-in wrapping the toy env, and the
// toy env in-process as the baseline the remote one must match.
environmentSuite('remote container (stand-in around the toy env)', async () => {
  const standin = await startEnvContainerStandin()
  return {
    factory: await createRemoteEnvironmentFactory({ url: standin.url }),
    envId: TOY_POINT_REACH_ID,
    teardown: () => standin.close(),
  }
})

environmentSuite('toy point-reach in-process', async () => ({
  factory: createToyEnvironmentFactory(),
  envId: TOY_POINT_REACH_ID,
  teardown: async () => {},
}))
