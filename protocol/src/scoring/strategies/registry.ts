import { ScoringError } from '../errors.js'
import { kinitroSubsetV1 } from './kinitro-subset-v1.js'
import { kinitroSubsetV2 } from './kinitro-subset-v2.js'
import { kinitroWtaV0 } from './kinitro-wta-v0.js'
import type { ScoringStrategy } from './strategy.js'

/** Every built-in strategy, by id. */
export const SCORING_STRATEGIES: ReadonlyMap<string, ScoringStrategy> = new Map<string, ScoringStrategy>(
  [kinitroSubsetV1, kinitroSubsetV2, kinitroWtaV0].map((s) => [s.id, s as ScoringStrategy]),
)

/** The default for new competitions: the reference's current scheme (design.md §6). */
export const DEFAULT_STRATEGY_ID = kinitroSubsetV1.id

/**
 * Look a strategy up by id.
 *
 * @throws {@link ScoringError} `SCORING_UNKNOWN_STRATEGY`.
 */
export function getStrategy(id: string, competitionId = ''): ScoringStrategy {
  const s = SCORING_STRATEGIES.get(id)
  if (!s) {
    throw new ScoringError(
      { code: 'SCORING_UNKNOWN_STRATEGY', competitionId, strategy: id },
      `unknown scoring strategy ${JSON.stringify(id)}; known: ${[...SCORING_STRATEGIES.keys()].join(', ')}`,
    )
  }
  return s
}
