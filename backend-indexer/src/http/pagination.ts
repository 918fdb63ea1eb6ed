import { type TSchema, Type } from 'typebox'
import type { PageQuery } from '../store/types.js'

/** @default 100 */
export const DEFAULT_PAGE_LIMIT = 100
/** Largest page a client may ask for (the store's own cap). */
export const MAX_PAGE_LIMIT = 1000
// Store cursors are short (a block and an id, encoded); anything longer is garbage, refused before the store.
const MAX_CURSOR_CHARS = 512

/** The `cursor` and `limit` query parameters every list route takes; spread into its querystring schema. */
export const pageQueryProperties = {
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: MAX_CURSOR_CHARS, description: 'nextCursor of the previous page' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
}

/** The schema of a page of `item`: `{items, nextCursor?}` (nextCursor absent on the last page). */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Optional(Type.String({ description: 'pass as ?cursor= for the next page' })),
  })
}

/** The store's paging parameters from a validated querystring. */
export function pageQuery(q: { cursor?: string | undefined; limit?: number | undefined }): PageQuery {
  // Ajv fills the default; the fallback keeps a custom validator compiler from changing the page size.
  const limit = q.limit ?? DEFAULT_PAGE_LIMIT
  return q.cursor === undefined ? { limit } : { cursor: q.cursor, limit }
}
