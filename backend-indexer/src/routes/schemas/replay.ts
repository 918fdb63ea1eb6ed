import { Type } from 'typebox'
import { Nullable } from '../../http/schemas.js'

// An array rather than a tuple: draft-07 tuples (`items: [...]`) mean something else in OpenAPI 3.1.
const Point = Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: '[x, y, z] metres' })

/** replay/types.ts `ReplayDocument`. */
export const ReplayDocumentSchema = Type.Object({
  resultId: Type.String(),
  episodeIndex: Type.Integer(),
  envId: Type.String(),
  taskId: Type.String(),
  seed: Type.String(),
  success: Type.Boolean(),
  successStep: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  bounds: Type.Object({ min: Point, max: Point }),
  frames: Type.Array(
    Type.Object({
      t: Type.Integer(),
      reward: Type.Number(),
      success: Type.Boolean(),
      points: Type.Record(Type.String(), Point),
    }),
  ),
})
