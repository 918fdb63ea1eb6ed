import {
  computeWeights,
  parseScenario,
  type ScenarioFile,
  type ScoringOutput,
  scenarioToInput,
} from '../../../src/scoring/index.js'

/** Score a scenario (one competition, one validator) with `strategy`. */
export function run(
  strategy: string,
  miners: ScenarioFile['miners'],
  extra: Omit<ScenarioFile, 'miners' | 'strategy'> = {},
): ScoringOutput {
  return computeWeights(scenarioToInput(parseScenario({ strategy, miners, ...extra })))
}

export const weightOf = (out: ScoringOutput, uid: number): number => out.miners.find((m) => m.uid === uid)?.weight ?? 0
export const pointsOf = (out: ScoringOutput, uid: number): number => out.miners.find((m) => m.uid === uid)?.points ?? 0
