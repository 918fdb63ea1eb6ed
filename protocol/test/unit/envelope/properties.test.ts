import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeEnvelope, openEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { messageId } from '../../../src/ids/message-id.js'
import { decodeBody, encodeBody } from '../../../src/messages/codecs.js'
import { decodeSyncFrame } from '../../../src/messages/sync.js'
import { MESSAGE_TYPES, type MessageType } from '../../../src/messages/types.js'
import { ValidationError } from '../../../src/validation/errors.js'
import type { SyncFrameKind } from '../../../src/validation/sync.js'
import { bodyArbs } from '../messages/arbitraries.js'
import { HEAD, type Keys, loadKeys, NETUID, signerFor } from '../messages/fixtures.js'

/**
 * Cases per property: the defaults give ~5,000 per run (CI). `KINITRO_FUZZ_SCALE=20` is the long variant
 * (~100,000 cases, a few minutes).
 */
const FUZZ_SCALE = Number(process.env.KINITRO_FUZZ_SCALE ?? 1)
const runs = (n: number): number => Math.max(1, Math.round(n * FUZZ_SCALE))

let keys: Keys
beforeAll(async () => {
  keys = await loadKeys()
})

/** Run `fn`; anything it throws must be a ValidationError. */
function onlyValidationErrors(fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ValidationError)
  }
}

describe.each(MESSAGE_TYPES)('%s properties', (type: MessageType) => {
  it('decode(encode(m)) deep-equals m for arbitrary valid messages', () => {
    fc.assert(
      fc.property(bodyArbs(keys)[type], (body) => {
        expect(decodeBody(type, encodeBody(type, body))).toEqual(body)
      }),
      { numRuns: runs(100) },
    )
  })

  it('open(seal(m)) gives back m for arbitrary valid messages', () => {
    fc.assert(
      fc.property(bodyArbs(keys)[type], (body) => {
        const bytes = sealEnvelope(type, body, NETUID, signerFor(type, keys))
        const msg = openEnvelope(bytes, { netuid: NETUID, expectedType: type, headBlock: HEAD })
        expect(msg.body).toEqual(body)
      }),
      { numRuns: runs(50) },
    )
  })

  it('flipping any bit of a sealed envelope makes openEnvelope fail and changes the message id', () => {
    fc.assert(
      fc.property(bodyArbs(keys)[type], fc.nat(), (body, bitSeed) => {
        const bytes = sealEnvelope(type, body, NETUID, signerFor(type, keys))
        const bit = bitSeed % (bytes.length * 8)
        const flipped = Uint8Array.from(bytes)
        flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7))
        expect(messageId(flipped)).not.toEqual(messageId(bytes))
        expect(() => openEnvelope(flipped, { netuid: NETUID, headBlock: HEAD }), `bit ${bit}`).toThrow(ValidationError)
      }),
      { numRuns: runs(200) },
    )
  })

  it('decoding arbitrary bytes as this body type throws only ValidationErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => onlyValidationErrors(() => decodeBody(type, bytes))),
      { numRuns: runs(100) },
    )
  })

  it('opening a randomly edited valid envelope throws only ValidationErrors', () => {
    fc.assert(
      fc.property(
        bodyArbs(keys)[type],
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
        (body, edits) => {
          const bytes = sealEnvelope(type, body, NETUID, signerFor(type, keys))
          for (const { at, value } of edits) bytes[at % bytes.length] = value
          onlyValidationErrors(() => openEnvelope(bytes, { netuid: NETUID, headBlock: HEAD }))
        },
      ),
      { numRuns: runs(50) },
    )
  })
})

describe('arbitrary bytes', () => {
  it('decodeEnvelope and openEnvelope throw only ValidationErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        onlyValidationErrors(() => decodeEnvelope(bytes))
        onlyValidationErrors(() => openEnvelope(bytes, { netuid: NETUID, headBlock: HEAD }))
      }),
      { numRuns: runs(500) },
    )
  })

  it('envelope-shaped random fields throw only ValidationErrors', () => {
    // Random bytes rarely parse; these do, so the later checks (type, scheme, lengths, signature) run too.
    const field = (tag: number, payload: Uint8Array) => [tag, payload.length, ...payload]
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.uint8Array({ maxLength: 70 }),
        (type, version, body, signer, scheme, sig) => {
          const bytes = Uint8Array.from([
            0x08,
            type,
            0x10,
            version,
            ...field(0x1a, body),
            ...field(0x22, signer),
            0x28,
            scheme,
            ...field(0x32, sig),
          ])
          onlyValidationErrors(() => openEnvelope(bytes, { netuid: NETUID }))
        },
      ),
      { numRuns: runs(500) },
    )
  })

  it('decodeSyncFrame throws only ValidationErrors', () => {
    const kinds: SyncFrameKind[] = [
      'status-request',
      'status-response',
      'range-request',
      'range-response',
      'by-id-request',
      'by-id-response',
    ]
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.uint8Array({ maxLength: 1024 }), (kind, bytes) =>
        onlyValidationErrors(() => decodeSyncFrame(kind, bytes)),
      ),
      { numRuns: runs(500) },
    )
  })
})
