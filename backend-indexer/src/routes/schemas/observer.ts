import { Type } from 'typebox'
import { Nullable } from '../../http/schemas.js'

/** observer/types.ts `ObserverStatus`. */
export const ObserverStatusSchema = Type.Object({
  head: Type.Integer(),
  peerId: Type.String(),
  peers: Type.Integer(),
  synced: Type.Boolean(),
  lastCatchUp: Nullable(
    Type.Object({
      at: Type.Number(),
      accepted: Type.Integer(),
      rejected: Type.Integer(),
      complete: Type.Boolean(),
    }),
  ),
  accepted: Type.Integer(),
  refused: Type.Record(Type.String(), Type.Integer()),
})
