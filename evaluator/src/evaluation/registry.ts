import type { Environment, EnvironmentFactory, EnvironmentOptions, EnvironmentSpec } from '../env/types.js'
import { EvaluationError } from './errors.js'

/**
 * One factory over several: built-in MuJoCo tasks, the toy env, and any remote environment families.
 * Ids must be unique across them, so a job's env id always means one environment.
 */
export function combineEnvironmentFactories(factories: readonly EnvironmentFactory[]): EnvironmentFactory {
  const owner = new Map<string, EnvironmentFactory>()
  const specs: EnvironmentSpec[] = []
  for (const f of factories) {
    for (const spec of f.list()) {
      if (owner.has(spec.envId)) {
        throw new EvaluationError({ code: 'EVAL_ENV_ID_CONFLICT', envId: spec.envId }, `env id ${spec.envId} twice`)
      }
      owner.set(spec.envId, f)
      specs.push(spec)
    }
  }
  return {
    list: () => specs,
    create(envId: string, options?: EnvironmentOptions): Promise<Environment> {
      // Unknown ids go to the first factory, whose typed error lists what exists.
      return (owner.get(envId) ?? (factories[0] as EnvironmentFactory)).create(envId, options)
    },
  }
}
