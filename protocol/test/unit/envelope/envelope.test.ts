import { beforeAll, describe, expect, it } from 'vitest'
import { ENVELOPE_OVERHEAD_BYTES, MAX_BODY_BYTES, MAX_ENVELOPE_BYTES } from '../../../src/constants.js'
import { decodeEnvelope, encodeEnvelope, openEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { signingPayload } from '../../../src/envelope/signing.js'
import type { Signer } from '../../../src/identity/signer.js'
import { messageId } from '../../../src/ids/message-id.js'
import { encodeBody } from '../../../src/messages/codecs.js'
import {
  KEY_SCHEME_CODES,
  MESSAGE_TYPE_CODES,
  MESSAGE_TYPES,
  type MessageBodies,
  type MessageType,
  SIGNER_SCHEME,
} from '../../../src/messages/types.js'
import { Envelope } from '../../../src/proto/kinitro.js'
import { ValidationError, type ValidationErrorCode } from '../../../src/validation/errors.js'
import { HEAD, type Keys, loadKeys, NETUID, sampleBodies, signerFor, wrongSchemeSigner } from '../messages/fixtures.js'

let keys: Keys
let bodies: MessageBodies

beforeAll(async () => {
  keys = await loadKeys()
  bodies = sampleBodies(keys)
})

/** Expect `fn` to throw a ValidationError with `code` (and its fixed action). */
function expectCode(fn: () => unknown, code: ValidationErrorCode, action?: 'ignore' | 'reject'): ValidationError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(ValidationError)
  const err = caught as ValidationError
  expect(err.code).toBe(code)
  if (action !== undefined) expect(err.action).toBe(action)
  return err
}

/** Build and sign an envelope by hand, for the cases `sealEnvelope` refuses to make. */
function forge(opts: {
  type: MessageType
  body: Uint8Array
  signer: Signer
  typeCode?: number
  version?: number
  domainType?: MessageType
  domainNetuid?: number
  domainVersion?: number
  scheme?: number
}): Uint8Array {
  const payload = signingPayload(
    opts.domainType ?? opts.type,
    opts.domainNetuid ?? NETUID,
    opts.body,
    opts.domainVersion ?? opts.version ?? 1,
  )
  return encodeEnvelope({
    type: opts.typeCode ?? MESSAGE_TYPE_CODES[opts.type],
    version: opts.version ?? 1,
    body: opts.body,
    signer: opts.signer.publicKey,
    scheme: opts.scheme ?? KEY_SCHEME_CODES[opts.signer.scheme],
    signature: opts.signer.sign(payload),
  })
}

describe.each(MESSAGE_TYPES)('%s envelope', (type) => {
  const seal = () => sealEnvelope(type, bodies[type], NETUID, signerFor(type, keys))
  const open = (bytes: Uint8Array) => openEnvelope(bytes, { netuid: NETUID, expectedType: type, headBlock: HEAD })

  it('round-trips: open(seal(body)) gives back the body, signer and message id', () => {
    const bytes = seal()
    const msg = open(bytes)
    expect(msg.type).toBe(type)
    expect(msg.body).toEqual(bodies[type])
    expect(msg.signer).toEqual(signerFor(type, keys).publicKey)
    expect(msg.id).toEqual(messageId(bytes))
    expect(msg.bodyBytes).toEqual(encodeBody(type, bodies[type]))
  })

  it('rejects every truncation', () => {
    const bytes = seal()
    for (let len = 0; len < bytes.length; len++) {
      expect(() => open(bytes.subarray(0, len)), `prefix of ${len} bytes`).toThrow(ValidationError)
      try {
        open(bytes.subarray(0, len))
      } catch (err) {
        expect((err as ValidationError).action, `prefix of ${len} bytes`).toBe('reject')
      }
    }
  })

  it('rejects oversized envelopes before parsing them', () => {
    const limit = MAX_BODY_BYTES[type] + ENVELOPE_OVERHEAD_BYTES
    // A valid envelope with trailing junk past the limit: the size check must fire, not the parser.
    const big = new Uint8Array(limit + 1)
    big.set(seal())
    const err = expectCode(() => open(big), 'MESH_TOO_LARGE', 'reject')
    expect(err.meta.limit).toBe(limit)
    expectCode(() => openEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1), { netuid: NETUID }), 'MESH_TOO_LARGE')
  })

  it('rejects a properly signed body over the type limit', () => {
    const body = new Uint8Array(MAX_BODY_BYTES[type] + 1)
    const bytes = forge({ type, body, signer: signerFor(type, keys) })
    expectCode(() => openEnvelope(bytes, { netuid: NETUID }), 'MESH_TOO_LARGE', 'reject')
  })

  it('rejects a wrong signature', () => {
    const bytes = seal()
    const env = Envelope.decode(bytes)
    const flipped = Uint8Array.from(env.signature)
    flipped[10] = (flipped[10] ?? 0) ^ 1
    expectCode(() => open(encodeEnvelope({ ...env, signature: flipped })), 'MESH_BAD_SIGNATURE', 'reject')
    // Signed by another key of the right scheme but claiming the original signer.
    const other = SIGNER_SCHEME[type] === 'sr25519' ? keys.owner : keys.otherNode
    const impostor = other === signerFor(type, keys) ? keys.hotkey : other
    const forged = forge({ type, body: env.body, signer: impostor })
    const forgedEnv = Envelope.decode(forged)
    expectCode(() => open(encodeEnvelope({ ...forgedEnv, signer: env.signer })), 'MESH_BAD_SIGNATURE', 'reject')
  })

  it('rejects a signature made for another type', () => {
    const body = encodeBody(type, bodies[type])
    const otherType = MESSAGE_TYPES.find((t) => t !== type && SIGNER_SCHEME[t] === SIGNER_SCHEME[type]) ?? type
    expect(otherType).not.toBe(type)
    const bytes = forge({ type, body, signer: signerFor(type, keys), domainType: otherType })
    expectCode(() => open(bytes), 'MESH_BAD_SIGNATURE', 'reject')
  })

  it('rejects a signature made for another netuid', () => {
    const body = encodeBody(type, bodies[type])
    const bytes = forge({ type, body, signer: signerFor(type, keys), domainNetuid: NETUID + 1 })
    expectCode(() => open(bytes), 'MESH_BAD_SIGNATURE', 'reject')
    // Correctly sealed for subnet 8 but received on subnet 7: the domain differs, so the signature fails.
    const sealed8 = sealEnvelope(type, sampleBodies(keys, HEAD, 8)[type], 8, signerFor(type, keys))
    expectCode(() => open(sealed8), 'MESH_BAD_SIGNATURE', 'reject')
    expect(openEnvelope(sealed8, { netuid: 8 }).body.netuid).toBe(8)
  })

  it('rejects a body that names another netuid under a valid signature', () => {
    const body = encodeBody(type, { ...bodies[type], netuid: NETUID + 1 })
    const bytes = forge({ type, body, signer: signerFor(type, keys) })
    expectCode(() => open(bytes), 'MESH_NETUID_MISMATCH', 'reject')
  })

  it('ignores (does not reject) an unknown version, even when validly signed for it', () => {
    const body = encodeBody(type, bodies[type])
    const bytes = forge({ type, body, signer: signerFor(type, keys), version: 2 })
    expectCode(() => open(bytes), 'MESH_UNKNOWN_VERSION', 'ignore')
  })

  it('rejects a version relabelled by a relay (the version is inside the signed domain)', () => {
    const body = encodeBody(type, bodies[type])
    const bytes = forge({ type, body, signer: signerFor(type, keys), domainVersion: 2 })
    expectCode(() => open(bytes), 'MESH_BAD_SIGNATURE', 'reject')
  })

  it('rejects the wrong signer scheme', () => {
    const body = encodeBody(type, bodies[type])
    const wrong = wrongSchemeSigner(type, keys)
    expectCode(() => open(forge({ type, body, signer: wrong })), 'MESH_WRONG_SCHEME', 'reject')
    // The right key but the scheme field lying about it.
    const lying = forge({ type, body, signer: signerFor(type, keys), scheme: KEY_SCHEME_CODES[wrong.scheme] })
    expectCode(() => open(lying), 'MESH_WRONG_SCHEME', 'reject')
    expectCode(() => open(forge({ type, body, signer: signerFor(type, keys), scheme: 9 })), 'MESH_WRONG_SCHEME')
    expectCode(() => sealEnvelope(type, bodies[type], NETUID, wrong), 'MESH_WRONG_SCHEME')
  })

  it('rejects garbage bytes', () => {
    for (const garbage of [Uint8Array.of(0xff), new Uint8Array(64).fill(0xff), Uint8Array.of(0x0a, 0x7f, 1, 2)]) {
      const err = expectCode(() => open(garbage), 'MESH_MALFORMED')
      expect(err.action).toBe('reject')
    }
  })

  it('rejects non-canonical encodings of a valid envelope', () => {
    const bytes = seal()
    // An unknown field appended (field 15, varint 1).
    const extra = Uint8Array.of(...bytes, 0x78, 0x01)
    expectCode(() => open(extra), 'MESH_NON_CANONICAL', 'reject')
    // The version field repeated: protobuf keeps the last, so it decodes fine but is not canonical.
    const dup = Uint8Array.of(...bytes, 0x10, 0x01)
    expectCode(() => open(dup), 'MESH_NON_CANONICAL', 'reject')
  })

  it('rejects the wrong type for the topic', () => {
    const other = MESSAGE_TYPES.find((t) => t !== type) ?? type
    expectCode(
      () => openEnvelope(seal(), { netuid: NETUID, expectedType: other as MessageType }),
      // An envelope over the other type's size limit fails the size check first; both are rejects.
      MAX_BODY_BYTES[other] + ENVELOPE_OVERHEAD_BYTES < seal().length ? 'MESH_TOO_LARGE' : 'MESH_UNEXPECTED_TYPE',
      'reject',
    )
  })

  it('lets checkSigner refuse before verification', () => {
    const refuse = () => {
      throw new ValidationError('MESH_BINDING_MISMATCH')
    }
    expectCode(() => openEnvelope(seal(), { netuid: NETUID, checkSigner: refuse }), 'MESH_BINDING_MISMATCH')
  })
})

describe('envelope decoding', () => {
  it('rejects an unknown type code and a missing version', () => {
    const body = encodeBody('job-status', bodies['job-status'])
    expectCode(
      () => openEnvelope(forge({ type: 'job-status', body, signer: keys.node, typeCode: 99 }), { netuid: NETUID }),
      'MESH_UNKNOWN_TYPE',
      'reject',
    )
    expectCode(() => decodeEnvelope(new Uint8Array(0)), 'MESH_MALFORMED', 'reject')
  })

  it('rejects short signer keys and signatures', () => {
    const env = Envelope.decode(sealEnvelope('job-status', bodies['job-status'], NETUID, keys.node))
    expectCode(
      () => openEnvelope(encodeEnvelope({ ...env, signer: env.signer.subarray(1) }), { netuid: NETUID }),
      'MESH_BAD_SIGNER',
    )
    expectCode(
      () => openEnvelope(encodeEnvelope({ ...env, signature: env.signature.subarray(1) }), { netuid: NETUID }),
      'MESH_BAD_SIGNER',
    )
  })

  it('refuses to seal a body for another netuid or one that breaks a content rule', () => {
    expectCode(() => sealEnvelope('job-status', bodies['job-status'], NETUID + 1, keys.node), 'MESH_NETUID_MISMATCH')
    const bad = { ...bodies['job-status'], jobId: new Uint8Array(31) }
    expectCode(() => sealEnvelope('job-status', bad, NETUID, keys.node), 'MESH_FIELD_INVALID')
  })

  it('applies freshness only when a head block is given, and skips staleness in sync mode', () => {
    const bytes = sealEnvelope('job-status', bodies['job-status'], NETUID, keys.node)
    const later = HEAD + 10_000
    expectCode(() => openEnvelope(bytes, { netuid: NETUID, headBlock: later }), 'MESH_STALE', 'ignore')
    expect(openEnvelope(bytes, { netuid: NETUID, headBlock: later, acceptStale: true }).type).toBe('job-status')
    expect(openEnvelope(bytes, { netuid: NETUID }).type).toBe('job-status')
    expectCode(() => openEnvelope(bytes, { netuid: NETUID, headBlock: HEAD - 100 }), 'MESH_FUTURE_BLOCK', 'reject')
    expectCode(
      () => openEnvelope(bytes, { netuid: NETUID, headBlock: HEAD - 100, acceptStale: true }),
      'MESH_FUTURE_BLOCK',
    )
  })
})
