import { readFileSync, writeFileSync } from 'node:fs'
import { fromString } from 'uint8arrays/from-string'
import { toString as toHex } from 'uint8arrays/to-string'
import { beforeAll, describe, expect, it } from 'vitest'
import { openEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { signingPayload } from '../../../src/envelope/signing.js'
import { ed25519Signer } from '../../../src/identity/signer.js'
import { messageId } from '../../../src/ids/message-id.js'
import { decodeBody, encodeBody } from '../../../src/messages/codecs.js'
import { MESSAGE_TYPES, type MessageType, SIGNER_SCHEME } from '../../../src/messages/types.js'
import { filled, type Keys, loadKeys, NETUID, sampleBodies, signerFor } from '../messages/fixtures.js'

// Golden vectors: committed bytes that every build must reproduce (ed25519 is deterministic) or accept
// (sr25519 signatures are randomised, so those envelopes are checked by opening them).
// Regenerate deliberately with KINITRO_UPDATE_VECTORS=1; a normal run only compares.

const FILE = new URL('../../vectors/envelopes.json', import.meta.url)
const UPDATE = process.env.KINITRO_UPDATE_VECTORS === '1'

interface EnvelopeVector {
  type: MessageType
  scheme: string
  signerHex: string
  bodyHex: string
  signingPayloadHex: string
  envelopeHex: string
  messageIdHex: string
}

interface EnvelopeVectors {
  description: string
  nodeKeySeedHex: string
  netuid: number
  vectors: EnvelopeVector[]
}

const hex = (b: Uint8Array) => toHex(b, 'base16')
const unhex = (s: string) => fromString(s, 'base16')

let keys: Keys
beforeAll(async () => {
  keys = await loadKeys()
})

function generate(): EnvelopeVectors {
  const bodies = sampleBodies(keys)
  return {
    description:
      'Envelopes per message type. ed25519 ones must be reproduced byte for byte from nodeKeySeedHex and bodyHex; ' +
      'sr25519 ones (randomised signatures) must open and hash to messageIdHex.',
    nodeKeySeedHex: hex(filled(1)),
    netuid: NETUID,
    vectors: MESSAGE_TYPES.map((type) => {
      const body = encodeBody(type, bodies[type])
      const envelope = sealEnvelope(type, bodies[type], NETUID, signerFor(type, keys))
      return {
        type,
        scheme: SIGNER_SCHEME[type],
        signerHex: hex(signerFor(type, keys).publicKey),
        bodyHex: hex(body),
        signingPayloadHex: hex(signingPayload(type, NETUID, body)),
        envelopeHex: hex(envelope),
        messageIdHex: hex(messageId(envelope)),
      }
    }),
  }
}

describe('envelope golden vectors', () => {
  if (UPDATE) {
    it('regenerates protocol/test/vectors/envelopes.json', () => {
      writeFileSync(FILE, `${JSON.stringify(generate(), null, 2)}\n`)
      expect(readFileSync(FILE, 'utf8').length).toBeGreaterThan(0)
    })
    return
  }
  const doc = JSON.parse(readFileSync(FILE, 'utf8')) as EnvelopeVectors

  it('covers every message type', () => {
    expect(doc.vectors.map((v) => v.type)).toEqual([...MESSAGE_TYPES])
  })

  it.each(doc.vectors)('$type: signing payload, envelope bytes and message id', (v) => {
    const body = unhex(v.bodyHex)
    expect(hex(signingPayload(v.type, doc.netuid, body))).toBe(v.signingPayloadHex)
    const envelope = unhex(v.envelopeHex)
    expect(hex(messageId(envelope))).toBe(v.messageIdHex)
    const opened = openEnvelope(envelope, { netuid: doc.netuid, expectedType: v.type })
    expect(hex(opened.bodyBytes)).toBe(v.bodyHex)
    expect(hex(opened.signer)).toBe(v.signerHex)
    expect(opened.scheme).toBe(v.scheme)
    if (v.scheme === 'ed25519') {
      const resealed = sealEnvelope(
        v.type,
        decodeBody(v.type, body),
        doc.netuid,
        ed25519Signer(unhex(doc.nodeKeySeedHex)),
      )
      expect(hex(resealed)).toBe(v.envelopeHex)
    }
  })
})
