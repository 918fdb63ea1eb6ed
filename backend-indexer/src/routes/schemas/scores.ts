import { Type } from 'typebox'
import { Nullable } from '../../http/schemas.js'

// Response schemas of the scores service's types (scores/types.ts), field for field.

export const EnvStandingSchema = Type.Object({
  envId: Type.String(),
  successRate: Type.Number(),
  episodes: Type.Integer(),
  successes: Type.Integer(),
  wilsonLow: Type.Number(),
  wilsonHigh: Type.Number(),
  validators: Type.Integer(),
})

export const LeaderboardEntrySchema = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  hotkey: Type.String(),
  uid: Nullable(Type.Integer()),
  points: Type.Number(),
  weight: Type.Number({ description: 'share of the whole weight vector, 0..1' }),
  u16: Type.Integer(),
  commitmentBlock: Nullable(Type.Integer()),
  envs: Type.Array(EnvStandingSchema),
})

export const CompetitionStandingSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  strategy: Type.String(),
  points: Type.Number(),
  entries: Type.Array(LeaderboardEntrySchema),
  details: Type.Unknown({ description: "the strategy's own report (frontier, winners, margins)" }),
})
