import { ID_BYTES } from './constants.js'
import { BadCursorError } from './errors.js'

/**
 * Sort key of each paged list, in ORDER BY order. A cursor is the key of the last row of a page, so the next
 * page is "rows strictly after it": rows inserted meanwhile never shift a walk (keyset paging).
 */
export const CURSOR_KEYS = {
  /** messages newest first: seq. */
  messages: ['int'],
  /** messages({afterSeq}) oldest first: seq. */
  'messages-asc': ['int'],
  jobs: ['int', 'hex'],
  results: ['int', 'hex'],
  /** (block, result id, episode index). */
  episodes: ['int', 'hex', 'int'],
  weights: ['int', 'hex'],
  /** (block, miner hotkey). */
  commitments: ['int', 'text'],
} as const

/** A paged list with a cursor format. */
export type CursorList = keyof typeof CURSOR_KEYS

type FieldValue<F> = F extends 'int' ? number : string
// A homomorphic mapped type over a type parameter maps a tuple to a tuple.
type Fields<T extends readonly unknown[]> = { -readonly [K in keyof T]: FieldValue<T[K]> }
/** The decoded key of a list's cursor, e.g. `[block, id]` for results. */
export type CursorKey<L extends CursorList> = Fields<(typeof CURSOR_KEYS)[L]>

const HEX_ID = new RegExp(`^[0-9a-f]{${ID_BYTES * 2}}$`)
const BASE64URL = /^[A-Za-z0-9_-]+$/
// Text keys are SS58 hotkeys (48 chars); the bound only stops a client from smuggling a huge string into SQL params.
const MAX_TEXT = 256
const MAX_CURSOR_CHARS = 1024

/**
 * The opaque cursor for `key` on `list`: base64url of a JSON array led by the list name, so a cursor from one
 * list is refused by another instead of silently paging it from a wrong place.
 */
export function encodeCursor<L extends CursorList>(list: L, key: CursorKey<L>): string {
  return Buffer.from(JSON.stringify([list, ...(key as unknown[])])).toString('base64url')
}

/**
 * Decode a cursor made by {@link encodeCursor} for the same list.
 * @throws BadCursorError `API_BAD_CURSOR` for anything else.
 */
export function decodeCursor<L extends CursorList>(list: L, cursor: string): CursorKey<L> {
  if (cursor.length > MAX_CURSOR_CHARS || !BASE64URL.test(cursor)) bad(list, 'not base64url')
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    bad(list, 'not a cursor')
  }
  const shape: readonly string[] = CURSOR_KEYS[list]
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1) bad(list, 'not a cursor')
  if (parsed[0] !== list) bad(list, 'cursor of another list')
  const key = parsed.slice(1)
  shape.forEach((field, i) => {
    if (!fieldOk(field, key[i])) bad(list, `bad key field ${i}`)
  })
  return key as CursorKey<L>
}

function fieldOk(field: string, v: unknown): boolean {
  if (field === 'int') return Number.isSafeInteger(v) && (v as number) >= 0
  if (field === 'hex') return typeof v === 'string' && HEX_ID.test(v)
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT
}

function bad(list: string, reason: string): never {
  throw new BadCursorError(
    { code: 'API_BAD_CURSOR', list, reason },
    `invalid ${list} cursor (${reason}): pass back the nextCursor of the previous page unchanged, or omit it`,
  )
}
