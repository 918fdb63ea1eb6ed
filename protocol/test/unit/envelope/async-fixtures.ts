import fc from 'fast-check'
import { encodeEnvelope, type OpenedMessage } from '../../../src/envelope/envelope.js'
import { signingPayload } from '../../../src/envelope/signing.js'
import type { Signer } from '../../../src/identity/signer.js'
import { MESSAGE_TYPES, type MessageType, messageTypeFromCode } from '../../../src/messages/types.js'
import { Envelope } from '../../../src/proto/kinitro.js'
import { ValidationError } from '../../../src/validation/errors.js'

// Shared by the sync-vs-async equivalence tests (envelope and mesh): verdicts and envelope mutations.
// Not a test file itself.

/** What one opener made of some bytes: the opened message, or the error it threw, reduced to comparable data. */
export type Verdict =
  | { ok: true; message: OpenedMessage }
  | { ok: false; error: string; code: string | undefined; action: string | undefined }

function refused(err: unknown): Verdict {
  if (err instanceof ValidationError) return { ok: false, error: err.name, code: err.code, action: err.action }
  return { ok: false, error: err instanceof Error ? err.name : typeof err, code: undefined, action: undefined }
}

/** The verdict of a synchronous opener. */
export function verdictOf(fn: () => OpenedMessage): Verdict {
  try {
    return { ok: true, message: fn() }
  } catch (err) {
    return refused(err)
  }
}

/** The verdict of an asynchronous opener; a synchronous throw would be a bug, so it is reported as one. */
export async function verdictOfAsync(fn: () => Promise<OpenedMessage>): Promise<Verdict> {
  let pending: Promise<OpenedMessage>
  try {
    pending = fn()
  } catch (err) {
    return { ok: false, error: `threw synchronously: ${String(err)}`, code: undefined, action: undefined }
  }
  try {
    return { ok: true, message: await pending }
  } catch (err) {
    return refused(err)
  }
}

/** Verdicts random mutations reach in a few hundred runs: one per stage, from decoding to content rules. */
export const DEEP_VERDICTS = [
  'accepted',
  'MESH_MALFORMED',
  'MESH_UNEXPECTED_TYPE',
  'MESH_WRONG_SCHEME',
  'MESH_BAD_SIGNER',
  'MESH_BINDING_NOT_PERMITTED',
  'MESH_BAD_SIGNATURE',
  'MESH_STALE',
] as const

/** Signers a mutation may re-sign or swap in: the right one for the type and a few others. */
export interface MutationKeys {
  signerFor: (type: MessageType) => Signer
  others: readonly Signer[]
}

/**
 * One edit of an envelope. Raw edits (`flip`, `set`, `truncate`, `append`) mostly stop at decoding; field
 * edits decode, change one field and re-encode, so they reach the later checks (scheme, signer binding,
 * signature); `resign` edits the body and signs it again, so content rules run after a good signature.
 */
export type Mutation =
  | { kind: 'flip'; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; extra: Uint8Array }
  | { kind: 'type'; code: number }
  | { kind: 'version'; version: number }
  | { kind: 'scheme'; code: number }
  | { kind: 'signer'; other: number }
  | { kind: 'signerLength'; length: number }
  | { kind: 'signature'; at: number }
  | { kind: 'signatureLength'; length: number }
  | { kind: 'body'; at: number; value: number }
  | { kind: 'resign'; at: number; value: number; netuidDelta: number; by: number }

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), bit: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('type' as const), code: fc.integer({ min: 0, max: MESSAGE_TYPES.length + 2 }) }),
  fc.record({ kind: fc.constant('version' as const), version: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('scheme' as const), code: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('signer' as const), other: fc.nat() }),
  fc.record({ kind: fc.constant('signerLength' as const), length: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('signature' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('signatureLength' as const), length: fc.integer({ min: 0, max: 70 }) }),
  fc.record({ kind: fc.constant('body' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({
    kind: fc.constant('resign' as const),
    at: fc.nat(),
    value: fc.nat(255),
    netuidDelta: fc.constantFrom(0, 0, 1),
    by: fc.nat(),
  }),
)

const resize = (b: Uint8Array, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  out.set(b.subarray(0, length))
  return out
}

function editField(bytes: Uint8Array, edit: (env: Envelope) => Envelope): Uint8Array {
  let env: Envelope
  try {
    env = Envelope.decode(bytes)
  } catch {
    return bytes // an earlier raw edit broke the structure: nothing to edit
  }
  return encodeEnvelope(edit(env))
}

/** Apply one mutation; `netuid` is the subnet `resign` signs for (plus its delta). */
export function mutate(bytes: Uint8Array, m: Mutation, keys: MutationKeys, netuid: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  switch (m.kind) {
    case 'flip':
      if (out.length > 0) out[(m.bit >> 3) % out.length]! ^= 1 << (m.bit & 7)
      return out
    case 'set':
      if (out.length > 0) out[m.at % out.length] = m.value
      return out
    case 'truncate':
      return out.subarray(0, m.keep % (out.length + 1))
    case 'append':
      return Uint8Array.of(...out, ...m.extra)
    case 'type':
      return editField(out, (e) => ({ ...e, type: m.code }))
    case 'version':
      return editField(out, (e) => ({ ...e, version: m.version }))
    case 'scheme':
      return editField(out, (e) => ({ ...e, scheme: m.code }))
    case 'signer':
      return editField(out, (e) => ({ ...e, signer: keys.others[m.other % keys.others.length]!.publicKey }))
    case 'signerLength':
      return editField(out, (e) => ({ ...e, signer: resize(e.signer, m.length) }))
    case 'signature':
      return editField(out, (e) => {
        const sig = Uint8Array.from(e.signature)
        if (sig.length > 0) sig[m.at % sig.length]! ^= 0x01
        return { ...e, signature: sig }
      })
    case 'signatureLength':
      return editField(out, (e) => ({ ...e, signature: resize(e.signature, m.length) }))
    case 'body':
      return editField(out, (e) => {
        const body = Uint8Array.from(e.body)
        if (body.length > 0) body[m.at % body.length] = m.value
        return { ...e, body }
      })
    case 'resign':
      return editField(out, (e) => {
        const type = messageTypeFromCode(e.type)
        if (type === undefined) return e
        const body = Uint8Array.from(e.body)
        if (body.length > 0) body[m.at % body.length] = m.value
        const pool = [keys.signerFor(type), ...keys.others]
        const signer = m.by % 4 === 0 ? pool[m.by % pool.length]! : keys.signerFor(type)
        const payload = signingPayload(type, netuid + m.netuidDelta, body, e.version === 0 ? 1 : e.version)
        return { ...e, body, signer: signer.publicKey, signature: signer.sign(payload) }
      })
  }
}

/** Apply mutations in order. */
export function mutateAll(bytes: Uint8Array, ms: readonly Mutation[], keys: MutationKeys, netuid: number): Uint8Array {
  return ms.reduce((b, m) => mutate(b, m, keys, netuid), bytes)
}
