import { z } from 'zod'
import { U16_MAX } from './constants.js'

const id = z.string().min(1).max(256)
const block = z.number().int().min(0)

/** Schema of {@link ScoringInput}; unknown keys are dropped, numbers must be finite. */
export const scoringInputSchema = z.object({
  competitions: z.array(
    z.object({
      id,
      strategy: id,
      params: z.unknown().optional(),
      envIds: z.array(id).min(1),
      points: z.number().min(0).default(1),
    }),
  ),
  commitments: z.array(z.object({ hotkey: id, block })),
  results: z.array(
    z.object({
      validator: id,
      stake: z.number().min(0),
      miner: id,
      competitionId: id,
      envId: id,
      successRate: z.number().min(0).max(1),
      episodes: z.number().int().min(0),
      avgReward: z.number().nullable().optional(),
      block: block.optional(),
    }),
  ),
  metagraph: z.array(z.object({ uid: z.number().int().min(0).max(U16_MAX), hotkey: id })),
  state: z.record(z.string(), z.unknown()).default({}),
})

/** A validated scoring input. */
export type ParsedScoringInput = z.output<typeof scoringInputSchema>
