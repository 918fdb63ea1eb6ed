import type { Logger } from '#protocol'
import { createMujocoEnvironmentFactory } from '../env/mujoco/index.js'
import { createToyEnvironmentFactory } from '../env/toy/index.js'
import type { EnvironmentFactory } from '../env/types.js'
import { combineEnvironmentFactories } from './registry.js'

/** Every built-in environment: the MuJoCo tasks, then the toy point-reach env (for smoke tests). */
export function createBuiltinEnvironmentFactory(opts: { logger?: Logger } = {}): EnvironmentFactory {
  return combineEnvironmentFactories([
    createMujocoEnvironmentFactory(opts.logger === undefined ? {} : { logger: opts.logger }),
    createToyEnvironmentFactory(),
  ])
}
