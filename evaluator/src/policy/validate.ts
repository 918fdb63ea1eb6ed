import type { Action } from '../env/types.js'
import { PolicyCallError, quoteBody } from './errors.js'

/** Bounds on the optional parts of an action; anything past them is an invalid action, not a crash. */
export const ACTION_BOUNDS = {
  maxDiscreteKeys: 32,
  maxExtraKeys: 64,
  maxKeyChars: 64,
  /** Serialized size of `action.extra`: free-form data must not smuggle in a second payload. */
  maxExtraBytes: 8 * 1024,
} as const

/** The flat-array fallback the reference template accepts: 7 numbers → ee_twist[6] + gripper[1]. */
const FLAT_KEYS = { ee_twist: 6, gripper: 1 } as const
const ACTION_FIELDS = new Set(['continuous', 'discrete', 'extra'])

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function invalid(detail: string): PolicyCallError {
  return new PolicyCallError('policy_invalid_action', 'act', detail)
}

function keyName(k: string): string {
  return quoteBody(k, 40)
}

function finiteVector(v: unknown, len: number, where: string): number[] {
  if (!Array.isArray(v)) throw invalid(`${where} is not an array`)
  if (v.length !== len) throw invalid(`${where} has length ${v.length}, expected ${len}`)
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (typeof x !== 'number') throw invalid(`${where}[${i}] is ${Array.isArray(x) ? 'an array' : typeof x}`)
    // JSON cannot spell NaN, but 1e999 parses to Infinity.
    if (!Number.isFinite(x)) throw invalid(`${where}[${i}] is not finite`)
  }
  return v as number[]
}

function flatExpected(expected: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(expected)
  return keys.length === 2 && expected.ee_twist === FLAT_KEYS.ee_twist && expected.gripper === FLAT_KEYS.gripper
}

function continuousPart(raw: unknown, expected: Readonly<Record<string, number>>): Record<string, number[]> {
  const want = Object.keys(expected)
  if (raw === undefined || raw === null) {
    if (want.length === 0) return {}
    throw invalid('action.continuous is missing')
  }
  if (!isPlainObject(raw)) throw invalid('action.continuous is not an object')
  const out: Record<string, number[]> = {}
  for (const k of Object.keys(raw)) {
    if (!Object.hasOwn(expected, k)) throw invalid(`unexpected continuous key ${keyName(k)}`)
  }
  for (const k of want) {
    if (!Object.hasOwn(raw, k)) throw invalid(`missing continuous key ${keyName(k)}`)
    out[k] = finiteVector(raw[k], expected[k] as number, `continuous.${k}`)
  }
  return out
}

function discretePart(raw: unknown): Record<string, number> {
  if (raw === undefined || raw === null) return {}
  if (!isPlainObject(raw)) throw invalid('action.discrete is not an object')
  const entries = Object.entries(raw)
  if (entries.length > ACTION_BOUNDS.maxDiscreteKeys) throw invalid(`action.discrete has ${entries.length} keys`)
  for (const [k, v] of entries) {
    if (k.length > ACTION_BOUNDS.maxKeyChars) throw invalid('action.discrete key too long')
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`discrete.${keyName(k)} is not an integer`)
  }
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(entries) as Record<string, number>
}

function extraPart(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {}
  if (!isPlainObject(raw)) throw invalid('action.extra is not an object')
  const keys = Object.keys(raw)
  if (keys.length > ACTION_BOUNDS.maxExtraKeys) throw invalid(`action.extra has ${keys.length} keys`)
  if (keys.some((k) => k.length > ACTION_BOUNDS.maxKeyChars)) throw invalid('action.extra key too long')
  const size = Buffer.byteLength(JSON.stringify(raw))
  if (size > ACTION_BOUNDS.maxExtraBytes) throw invalid(`action.extra is ${size} bytes`)
  return raw
}

/**
 * Checks a parsed `/act` answer against the expected continuous keys and lengths and returns the action.
 * Values are not clipped here: the environment clips and counts, so a policy's raw output stays on record.
 * Wrong top-level shape → `policy_bad_response`; anything wrong inside the action → `policy_invalid_action`.
 */
export function validateActResponse(body: unknown, expected: Readonly<Record<string, number>>): Action {
  if (!isPlainObject(body)) throw new PolicyCallError('policy_bad_response', 'act', 'answer is not a JSON object')
  if (!Object.hasOwn(body, 'action')) throw new PolicyCallError('policy_bad_response', 'act', 'answer has no "action"')
  const action = body.action
  if (Array.isArray(action)) {
    if (!flatExpected(expected)) throw invalid('flat action array, but this environment needs named keys')
    const flat = finiteVector(action, 7, 'action')
    return { continuous: { ee_twist: flat.slice(0, 6), gripper: flat.slice(6) }, discrete: {}, extra: {} }
  }
  if (!isPlainObject(action)) throw new PolicyCallError('policy_bad_response', 'act', '"action" is not an object')
  for (const k of Object.keys(action)) {
    if (!ACTION_FIELDS.has(k)) throw invalid(`unexpected action field ${keyName(k)}`)
  }
  return {
    continuous: continuousPart(action.continuous, expected),
    discrete: discretePart(action.discrete),
    extra: extraPart(action.extra),
  }
}
