import { KinitroError } from '../errors.js'

/** Every code {@link ScoringError} can carry; mirrored in the README table by {@link SCORING_ERROR_FIXES}. */
export const SCORING_ERROR_CODES = [
  'SCORING_INPUT_INVALID',
  'SCORING_UNKNOWN_STRATEGY',
  'SCORING_PARAMS_INVALID',
  'SCORING_STATE_INVALID',
  'SCORING_UNKNOWN_TASK_TYPE',
  'SCORING_TOO_MANY_ENVS',
  'SCORING_WEIGHTS_INVALID',
  'SCORING_SCENARIO_INVALID',
] as const

export type ScoringErrorCode = (typeof SCORING_ERROR_CODES)[number]

/** One problem in an input: where (a JSON path such as `miners[2].scores.reach`), what was found, what was expected. */
export interface ScoringIssue {
  path: string
  message: string
  value?: unknown
}

export type ScoringErrorMeta =
  | { code: 'SCORING_INPUT_INVALID'; issues: ScoringIssue[] }
  | { code: 'SCORING_UNKNOWN_STRATEGY'; competitionId: string; strategy: string }
  | { code: 'SCORING_PARAMS_INVALID'; competitionId: string; strategy: string; issues: ScoringIssue[] }
  | { code: 'SCORING_STATE_INVALID'; strategy: string; issues: ScoringIssue[] }
  | { code: 'SCORING_UNKNOWN_TASK_TYPE'; competitionId: string; taskType: string }
  | { code: 'SCORING_TOO_MANY_ENVS'; competitionId: string; envs: number; limit: number }
  | { code: 'SCORING_WEIGHTS_INVALID'; reason: string }
  | { code: 'SCORING_SCENARIO_INVALID'; issues: ScoringIssue[] }

/** Scoring could not run on its input. Pure functions throw it; nothing is half-computed. */
export class ScoringError extends KinitroError<ScoringErrorMeta> {}

/** What the user should do about each code. */
export const SCORING_ERROR_FIXES: Readonly<Record<ScoringErrorCode, string>> = {
  SCORING_INPUT_INVALID: 'fix the listed fields of the scoring input (paths name the offending entries)',
  SCORING_UNKNOWN_STRATEGY: 'use a registered strategy id: kinitro-subset-v1, kinitro-subset-v2 or kinitro-wta-v0',
  SCORING_PARAMS_INVALID: "fix the competition's strategy parameters; omitted ones take their documented defaults",
  SCORING_STATE_INVALID: 'the carried-over strategy state is malformed; pass the state the previous run returned',
  SCORING_UNKNOWN_TASK_TYPE: 'kinitro-wta-v0 only knows taskType "rl_rollout" (as the reference); fix the competition',
  SCORING_TOO_MANY_ENVS: 'subset strategies enumerate 2^k − 1 subsets; split the competition or use fewer environments',
  SCORING_WEIGHTS_INVALID: 'weights must be finite, non-negative, one per uid, and not all zero',
  SCORING_SCENARIO_INVALID: 'fix the scenario file at the listed JSON paths (see `kinitro score simulate --help`)',
}
