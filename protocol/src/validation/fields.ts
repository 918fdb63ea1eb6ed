import { FRESHNESS_WINDOW_BLOCKS, FUTURE_TOLERANCE_BLOCKS, KEY_BYTES, MAX_ID_BYTES } from '../constants.js'
import type { MessageType } from '../messages/types.js'
import { ValidationError } from './errors.js'

/** What every per-type content validator gets besides the body. */
export interface ContentContext {
  /** Our subnet; the body must name it. */
  netuid: number
  /** The envelope's signer public key. */
  signer: Uint8Array
  /**
   * Our current head block. When given, freshness is checked: older than the type's window → ignore,
   * ahead by more than the tolerance → reject. Omit it to check only the block-independent rules.
   */
  headBlock?: number
  /**
   * Skip the "too old" rules (catch-up sync replays history on purpose; p2p.md §7). Future blocks are
   * still rejected.
   * @default false
   */
  acceptStale?: boolean
}

const encoder = new TextEncoder()

/** Throws `MESH_FIELD_INVALID` for `field`. */
export function invalid(field: string, detail: { actual?: number; limit?: number } = {}): never {
  throw new ValidationError('MESH_FIELD_INVALID', { field, ...detail })
}

/** The body must name our subnet. */
export function checkNetuid(netuid: number, ctx: ContentContext): void {
  if (netuid !== ctx.netuid) throw new ValidationError('MESH_NETUID_MISMATCH', { field: 'netuid' })
}

/** A block height: a non-negative safe integer (uint64 decodes lose precision past 2^53). */
export function checkBlock(field: string, block: number): void {
  if (!Number.isSafeInteger(block) || block < 0) invalid(field)
}

/**
 * Freshness of a message's block against our head (see {@link ContentContext.headBlock}). Also checks
 * that `block` is a valid height.
 */
export function checkFreshness(type: MessageType, block: number, ctx: ContentContext, field = 'block'): void {
  checkBlock(field, block)
  if (ctx.headBlock === undefined) return
  if (block > ctx.headBlock + FUTURE_TOLERANCE_BLOCKS) {
    throw new ValidationError('MESH_FUTURE_BLOCK', {
      field,
      actual: block,
      limit: ctx.headBlock + FUTURE_TOLERANCE_BLOCKS,
    })
  }
  const oldest = ctx.headBlock - FRESHNESS_WINDOW_BLOCKS[type]
  if (ctx.acceptStale !== true && block < oldest) {
    throw new ValidationError('MESH_STALE', { field, actual: block, limit: oldest })
  }
}

/** A byte field of exactly `length` bytes (default: a 32-byte key or digest). */
export function checkFixedBytes(field: string, bytes: Uint8Array, length = KEY_BYTES): void {
  if (bytes.length !== length) invalid(field, { actual: bytes.length, limit: length })
}

/** A byte field of `min`…`max` bytes. */
export function checkBytesLength(field: string, bytes: Uint8Array, min: number, max: number): void {
  if (bytes.length < min || bytes.length > max) invalid(field, { actual: bytes.length, limit: max })
}

/** UTF-8 length of a string in bytes. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length
}

// Identifiers end up in logs, store keys and metric-adjacent places: printable ASCII only, no spaces,
// so network-supplied ids cannot smuggle control characters or look-alike text.
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@+=-]*$/

/** An identifier: 1…`max` bytes of `[A-Za-z0-9._:/@+=-]`, starting alphanumeric. */
export function checkId(field: string, text: string, max = MAX_ID_BYTES): void {
  if (text.length === 0 || text.length > max || !ID_RE.test(text)) invalid(field, { actual: text.length, limit: max })
}

// C0 and C1 control characters: free text never needs them, and they garble logs and terminals.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/

/** Free text: at most `max` UTF-8 bytes, no control characters; empty allowed unless `nonEmpty`. */
export function checkText(field: string, text: string, max: number, nonEmpty = false): void {
  const len = utf8Length(text)
  if (len > max || (nonEmpty && len === 0) || CONTROL_RE.test(text)) invalid(field, { actual: len, limit: max })
}

/** An integer in [min, max]. */
export function checkInt(field: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max) invalid(field, { actual: n, limit: max })
}

const U64_MAX = (1n << 64n) - 1n

/** A bigint that fits a uint64 (protons would silently truncate a larger one on encoding). */
export function checkU64(field: string, n: bigint): void {
  if (n < 0n || n > U64_MAX) invalid(field)
}

/** A finite double. */
export function checkFinite(field: string, x: number): void {
  if (!Number.isFinite(x)) invalid(field)
}

/** A finite double in [0, 1]. */
export function checkUnit(field: string, x: number): void {
  if (!Number.isFinite(x) || x < 0 || x > 1) invalid(field)
}
