import { type TSchema, Type } from 'typebox'

// Shared request and error schemas. Row schemas live with the routes (`routes/schemas/`).

/** `t` or null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

/** 32 bytes as 64 lowercase hex digits (message ids, job ids, digests). */
export const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$', description: '32 bytes, lowercase hex' })

/** Lowercase hex of any length (public keys, state hashes). */
export const Hex = Type.String({ pattern: '^[0-9a-f]*$', description: 'lowercase hex' })

/**
 * An SS58 address: base58 alphabet, 32..64 characters (Bittensor's prefix-42 hotkeys are 48). The check is
 * syntactic only; a well-formed hotkey nobody knows is a 404, not a 400.
 */
export const Hotkey = Type.String({ pattern: '^[1-9A-HJ-NP-Za-km-z]{32,64}$', description: 'SS58 hotkey' })

/** A block number in a query. */
export const BlockNumber = Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })

/** Competition, environment and strategy ids (protocol caps identifiers at 64 bytes). */
export const Identifier = Type.String({ minLength: 1, maxLength: 64 })

/** The body of every error answer. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable UPPER_SNAKE code; see the README "Errors" table' }),
      message: Type.String(),
      statusCode: Type.Integer(),
    }),
  },
  { description: 'every non-2xx answer' },
)

/** Response entries every route shares: the error shapes. */
export const errorResponses = {
  400: ErrorBody,
  404: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
} as const
