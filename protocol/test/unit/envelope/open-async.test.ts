import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { FRESHNESS_WINDOW_BLOCKS, MAX_BODY_BYTES } from '../../../src/constants.js'
import {
  decodeEnvelope,
  encodeEnvelope,
  type OpenOptions,
  openEnvelope,
  openEnvelopeAsync,
  sealEnvelope,
} from '../../../src/envelope/envelope.js'
import { signingPayload } from '../../../src/envelope/signing.js'
import { ED25519_KEY_CACHE_SIZE } from '../../../src/identity/constants.js'
import { type AsyncVerifier, ed25519KeyCacheSize, type KeyScheme } from '../../../src/identity/signer.js'
import { encodeBody } from '../../../src/messages/codecs.js'
import { KEY_SCHEME_CODES, MESSAGE_TYPE_CODES, MESSAGE_TYPES, type MessageType } from '../../../src/messages/types.js'
import { ValidationError, type ValidationErrorCode } from '../../../src/validation/errors.js'
import { HEAD, type Keys, loadKeys, NETUID, sampleBodies, signerFor, wrongSchemeSigner } from '../messages/fixtures.js'
import {
  DEEP_VERDICTS,
  type MutationKeys,
  mutateAll,
  mutationArb,
  verdictOf,
  verdictOfAsync,
} from './async-fixtures.js'

let keys: Keys
let mutationKeys: MutationKeys

beforeAll(async () => {
  keys = await loadKeys()
  mutationKeys = { signerFor: (t) => signerFor(t, keys), others: [keys.node, keys.otherNode, keys.hotkey, keys.owner] }
})

const seal = (type: MessageType, block = HEAD, netuid = NETUID): Uint8Array =>
  sealEnvelope(type, sampleBodies(keys, block, netuid)[type], netuid, signerFor(type, keys))

// Stands in for an allowlist: only the test's own keys may sign.
const knownOnly: OpenOptions['checkSigner'] = (signer) => {
  const known = [keys.node, keys.hotkey, keys.owner].some((k) => Buffer.from(k.publicKey).equals(signer))
  if (!known) throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
}

/** `bytes` followed by `extra` zero bytes. */
function padded(bytes: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(bytes.length + extra)
  out.set(bytes)
  return out
}

/** Both openers on the same bytes and options: the same message or the same refusal. */
async function expectSame(bytes: Uint8Array, opts: OpenOptions, label: string) {
  const sync = verdictOf(() => openEnvelope(bytes, opts))
  const async = await verdictOfAsync(() => openEnvelopeAsync(bytes, opts))
  expect(async, label).toEqual(sync)
  return sync
}

describe('openEnvelopeAsync accepts what openEnvelope accepts', () => {
  it.each(MESSAGE_TYPES)('%s: the same opened message', async (type) => {
    const bytes = seal(type)
    const v = await expectSame(bytes, { netuid: NETUID, expectedType: type, headBlock: HEAD }, type)
    expect(v.ok, type).toBe(true)
  })
})

describe('openEnvelopeAsync refuses what openEnvelope refuses, with the same code', () => {
  // One row per rule; each breaks exactly that rule.
  const table = (): { name: string; bytes: Uint8Array; opts: OpenOptions; code: ValidationErrorCode }[] => {
    const env = decodeEnvelope(seal('result'))
    const forgedSig = Uint8Array.from(env.signature)
    forgedSig[3]! ^= 0x40
    const resultBody = encodeBody('result', sampleBodies(keys).result)
    const signed = (body: Uint8Array, netuid: number, signer = keys.node, scheme?: KeyScheme) =>
      encodeEnvelope({
        type: MESSAGE_TYPE_CODES.result,
        version: 1,
        body,
        signer: signer.publicKey,
        scheme: KEY_SCHEME_CODES[scheme ?? signer.scheme],
        signature: signer.sign(signingPayload('result', netuid, body)),
      })
    const opts = { netuid: NETUID, expectedType: 'result' as const, headBlock: HEAD, checkSigner: knownOnly }
    return [
      {
        name: 'forged signature',
        bytes: encodeEnvelope({ ...env, signature: forgedSig }),
        opts,
        code: 'MESH_BAD_SIGNATURE',
      },
      { name: 'signed for another netuid', bytes: signed(resultBody, NETUID + 1), opts, code: 'MESH_BAD_SIGNATURE' },
      {
        name: 'body names another netuid',
        bytes: signed(encodeBody('result', sampleBodies(keys, HEAD, NETUID + 1).result), NETUID),
        opts,
        code: 'MESH_NETUID_MISMATCH',
      },
      {
        name: 'stale',
        bytes: seal('result', HEAD - FRESHNESS_WINDOW_BLOCKS.result - 5),
        opts,
        code: 'MESH_STALE',
      },
      {
        name: 'oversized body',
        bytes: signed(new Uint8Array(MAX_BODY_BYTES.result + 1), NETUID),
        opts: { netuid: NETUID },
        code: 'MESH_TOO_LARGE',
      },
      {
        name: 'oversized envelope for its topic',
        bytes: padded(seal('result'), MAX_BODY_BYTES.result),
        opts,
        code: 'MESH_TOO_LARGE',
      },
      {
        name: 'wrong scheme (hotkey signs a result)',
        bytes: signed(resultBody, NETUID, keys.hotkey),
        opts,
        code: 'MESH_WRONG_SCHEME',
      },
      {
        name: 'scheme field lies',
        bytes: signed(resultBody, NETUID, keys.node, 'sr25519'),
        opts,
        code: 'MESH_WRONG_SCHEME',
      },
      {
        name: 'unknown signer',
        bytes: signed(resultBody, NETUID, keys.otherNode),
        opts,
        code: 'MESH_BINDING_NOT_PERMITTED',
      },
      {
        name: 'forged sr25519 manifest',
        bytes: (() => {
          const m = decodeEnvelope(seal('competition-manifest'))
          return encodeEnvelope({ ...m, signature: Uint8Array.from(m.signature).reverse() })
        })(),
        opts: { netuid: NETUID, expectedType: 'competition-manifest' },
        code: 'MESH_BAD_SIGNATURE',
      },
      {
        name: 'another type than expected',
        bytes: seal('job-status'),
        opts,
        code: 'MESH_UNEXPECTED_TYPE',
      },
      { name: 'garbage', bytes: new Uint8Array(64).fill(0xff), opts, code: 'MESH_MALFORMED' },
      { name: 'unknown version', bytes: encodeEnvelope({ ...env, version: 9 }), opts, code: 'MESH_UNKNOWN_VERSION' },
    ]
  }

  it('for every row of the table', async () => {
    const rows = table()
    for (const row of rows) {
      const v = await expectSame(row.bytes, row.opts, row.name)
      expect(v.ok ? 'accepted' : v.code, row.name).toBe(row.code)
    }
  })

  it('wrong-scheme signers of every type', async () => {
    for (const type of MESSAGE_TYPES) {
      const wrong = wrongSchemeSigner(type, keys)
      const body = encodeBody(type, sampleBodies(keys)[type])
      const bytes = encodeEnvelope({
        type: MESSAGE_TYPE_CODES[type],
        version: 1,
        body,
        signer: wrong.publicKey,
        scheme: KEY_SCHEME_CODES[wrong.scheme],
        signature: wrong.sign(signingPayload(type, NETUID, body)),
      })
      const v = await expectSame(bytes, { netuid: NETUID, headBlock: HEAD }, type)
      expect(v.ok ? 'accepted' : v.code, type).toBe('MESH_WRONG_SCHEME')
    }
  })

  it('property: random mutations of valid envelopes get the same verdict from both', async () => {
    const typeArb = fc.constantFrom(...MESSAGE_TYPES)
    const optsArb = fc.record({
      expected: fc.constantFrom('same', 'other', 'none'),
      head: fc.constantFrom('none', 'now', 'late'),
      acceptStale: fc.boolean(),
      guard: fc.boolean(),
    })
    const seen = new Set<string>()
    await fc.assert(
      fc.asyncProperty(typeArb, fc.array(mutationArb, { maxLength: 3 }), optsArb, async (type, ms, o) => {
        const bytes = mutateAll(seal(type), ms, mutationKeys, NETUID)
        const other = MESSAGE_TYPES[(MESSAGE_TYPES.indexOf(type) + 1) % MESSAGE_TYPES.length]!
        const opts: OpenOptions = {
          netuid: NETUID,
          expectedType: o.expected === 'same' ? type : o.expected === 'other' ? other : undefined,
          headBlock: o.head === 'none' ? undefined : o.head === 'now' ? HEAD : HEAD + FRESHNESS_WINDOW_BLOCKS[type] + 1,
          acceptStale: o.acceptStale,
          checkSigner: o.guard ? knownOnly : undefined,
        }
        const v = await expectSame(bytes, opts, JSON.stringify({ type, ms: ms.map((m) => m.kind), o }))
        seen.add(v.ok ? 'accepted' : String(v.code))
      }),
      { numRuns: 400 },
    )
    // The mutations must reach every stage, or the property would only compare decoders.
    for (const code of DEEP_VERDICTS) expect(seen, code).toContain(code)
  })
})

describe('the async verify step', () => {
  it('is the only signature check: it sees the signed digest once, and its answer decides', async () => {
    const bytes = seal('result')
    const env = decodeEnvelope(bytes)
    const calls: Parameters<AsyncVerifier>[] = []
    const answer =
      (ok: boolean): AsyncVerifier =>
      async (...args) => {
        calls.push(args)
        return ok
      }
    const opts = { netuid: NETUID, expectedType: 'result' as const, headBlock: HEAD }
    await expect(openEnvelopeAsync(bytes, { ...opts, verify: answer(false) })).rejects.toMatchObject({
      code: 'MESH_BAD_SIGNATURE',
    })
    expect(calls).toEqual([['ed25519', env.signer, signingPayload('result', NETUID, env.body), env.signature]])
    // A verifier that accepts a forged signature is trusted: nothing else checks the signature again.
    const forged = encodeEnvelope({ ...env, signature: new Uint8Array(64).fill(1) })
    const opened = await openEnvelopeAsync(forged, { ...opts, verify: answer(true) })
    expect(opened.body).toEqual(sampleBodies(keys).result)
    expect(calls).toHaveLength(2)
  })

  it('is not reached when an earlier check refuses (no verification paid for an unknown signer)', async () => {
    const calls: unknown[] = []
    const verify: AsyncVerifier = async (...args) => {
      calls.push(args)
      return true
    }
    const stranger = sealEnvelope('result', sampleBodies(keys).result, NETUID, keys.otherNode)
    await expect(openEnvelopeAsync(stranger, { netuid: NETUID, checkSigner: knownOnly, verify })).rejects.toMatchObject(
      { code: 'MESH_BINDING_NOT_PERMITTED' },
    )
    await expect(openEnvelopeAsync(new Uint8Array(3), { netuid: NETUID, verify })).rejects.toBeInstanceOf(
      ValidationError,
    )
    expect(calls).toEqual([])
  })

  it('caches ed25519 KeyObjects in a bounded LRU', async () => {
    const body = encodeBody('job-status', sampleBodies(keys)['job-status'])
    const keyOf = (n: number) => {
      const key = new Uint8Array(32)
      new DataView(key.buffer).setUint32(0, n + 1)
      return key
    }
    // More distinct signers than the cache holds, all through openEnvelopeAsync's default verifier.
    const total = ED25519_KEY_CACHE_SIZE + 64
    for (let start = 0; start < total; start += 256) {
      const batch = Array.from({ length: Math.min(256, total - start) }, (_, i) =>
        encodeEnvelope({
          type: MESSAGE_TYPE_CODES['job-status'],
          version: 1,
          body,
          signer: keyOf(start + i),
          scheme: KEY_SCHEME_CODES.ed25519,
          signature: new Uint8Array(64).fill(7),
        }),
      )
      const verdicts = await Promise.allSettled(batch.map((b) => openEnvelopeAsync(b, { netuid: NETUID })))
      for (const v of verdicts)
        expect(v.status === 'rejected' && (v.reason as ValidationError).code).toBe('MESH_BAD_SIGNATURE')
      expect(ed25519KeyCacheSize(), `after ${start + batch.length} signers`).toBeLessThanOrEqual(ED25519_KEY_CACHE_SIZE)
    }
    expect(ed25519KeyCacheSize()).toBe(ED25519_KEY_CACHE_SIZE)
    // A key evicted long ago still verifies (its KeyObject is rebuilt).
    const opened = await openEnvelopeAsync(seal('result'), { netuid: NETUID, expectedType: 'result' })
    expect(opened.type).toBe('result')
  })
})
