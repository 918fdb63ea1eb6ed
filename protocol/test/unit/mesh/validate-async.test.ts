import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { FRESHNESS_WINDOW_BLOCKS, MAX_BODY_BYTES } from '../../../src/constants.js'
import { decodeEnvelope, encodeEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { signingPayload } from '../../../src/envelope/signing.js'
import type { AsyncVerifier, Signer } from '../../../src/identity/signer.js'
import { createPeerAllowlist } from '../../../src/mesh/allowlist.js'
import { type GossipValidationContext, validateGossip, validateGossipAsync } from '../../../src/mesh/validate.js'
import { encodeBody } from '../../../src/messages/codecs.js'
import { signPeerRecord } from '../../../src/messages/peer-record.js'
import { TOPIC_NAMES, Topic, type TopicName, topicOfType } from '../../../src/messages/topics.js'
import { KEY_SCHEME_CODES, MESSAGE_TYPE_CODES, MESSAGE_TYPES, type MessageType } from '../../../src/messages/types.js'
import type { ValidationErrorCode } from '../../../src/validation/errors.js'
import {
  DEEP_VERDICTS,
  type MutationKeys,
  mutateAll,
  mutationArb,
  verdictOf,
  verdictOfAsync,
} from '../envelope/async-fixtures.js'
import { HEAD, type Keys, loadKeys, NETUID, sampleBodies, signerFor } from '../messages/fixtures.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

let keys: Keys
let ctx: GossipValidationContext
let mutationKeys: MutationKeys

// keys.node is the only bound node key (its record names keys.hotkey, the only permitted hotkey);
// keys.otherNode is a stranger; keys.owner signs manifests.
beforeAll(async () => {
  keys = await loadKeys()
  const permitted = new Set([hex(keys.hotkey.publicKey)])
  const isPermitted = (hk: Uint8Array) => permitted.has(hex(hk))
  const allowlist = createPeerAllowlist({ netuid: NETUID, headBlock: () => HEAD, isPermitted })
  allowlist.addPeerRecord(signPeerRecord(sampleBodies(keys)['peer-record'], keys.hotkey))
  ctx = {
    netuid: NETUID,
    headBlock: HEAD,
    isPermitted,
    allowlist,
    isManifestSigner: (hk) => hex(hk) === hex(keys.owner.publicKey),
  }
  mutationKeys = { signerFor: (t) => signerFor(t, keys), others: [keys.node, keys.otherNode, keys.hotkey, keys.owner] }
})

const seal = (type: MessageType, block = HEAD, netuid = NETUID, signer?: Signer): Uint8Array =>
  sealEnvelope(type, sampleBodies(keys, block, netuid)[type], netuid, signer ?? signerFor(type, keys))

/** An envelope of `type` with any signer, scheme code and signing netuid (cases sealEnvelope refuses). */
function forge(type: MessageType, body: Uint8Array, signer: Signer, opts: { scheme?: number; netuid?: number } = {}) {
  return encodeEnvelope({
    type: MESSAGE_TYPE_CODES[type],
    version: 1,
    body,
    signer: signer.publicKey,
    scheme: opts.scheme ?? KEY_SCHEME_CODES[signer.scheme],
    signature: signer.sign(signingPayload(type, opts.netuid ?? NETUID, body)),
  })
}

/** Both validators on the same input: the same message or the same refusal. */
async function expectSame(topic: TopicName, bytes: Uint8Array, c: GossipValidationContext, label: string) {
  const sync = verdictOf(() => validateGossip(topic, bytes, c))
  const async = await verdictOfAsync(() => validateGossipAsync(topic, bytes, c))
  expect(async, label).toEqual(sync)
  return sync
}

describe('validateGossipAsync accepts what validateGossip accepts', () => {
  it.each(MESSAGE_TYPES)('%s on its topic: the same opened message', async (type) => {
    const v = await expectSame(topicOfType(type), seal(type), ctx, type)
    expect(v.ok ? 'accepted' : v.code, type).toBe('accepted')
  })

  it('many at once (threadpool verifies in flight together) give each its own verdict, as sync does', async () => {
    const distinct = Array.from({ length: 8 }, (_, i) => seal('result', HEAD - i))
    const results = Array.from({ length: 200 }, (_, i) => {
      const bytes = distinct[i % distinct.length]!
      if (i % 7 !== 3) return bytes
      const env = decodeEnvelope(bytes)
      return encodeEnvelope({ ...env, signature: Uint8Array.from(env.signature).reverse() })
    })
    const sync = results.map((b) => verdictOf(() => validateGossip('results', b, ctx)))
    const async = await Promise.all(results.map((b) => verdictOfAsync(() => validateGossipAsync('results', b, ctx))))
    expect(async).toEqual(sync)
    expect(async.filter((v) => !v.ok).length).toBe(results.filter((_, i) => i % 7 === 3).length)
  })
})

describe('validateGossipAsync refuses what validateGossip refuses, with the same code', () => {
  const table = (): { name: string; topic: TopicName; bytes: Uint8Array; code: ValidationErrorCode }[] => {
    const env = decodeEnvelope(seal('result'))
    const forged = encodeEnvelope({ ...env, signature: Uint8Array.from(env.signature).fill(9, 0, 8) })
    const body = encodeBody('result', sampleBodies(keys).result)
    const stale = HEAD - FRESHNESS_WINDOW_BLOCKS.result - 1
    const manifest = decodeEnvelope(seal('competition-manifest'))
    return [
      { name: 'forged signature', topic: 'results', bytes: forged, code: 'MESH_BAD_SIGNATURE' },
      {
        name: 'forged sr25519 signature (manifest)',
        topic: 'competitions',
        bytes: encodeEnvelope({ ...manifest, signature: Uint8Array.from(manifest.signature).reverse() }),
        code: 'MESH_BAD_SIGNATURE',
      },
      {
        name: 'body of another subnet',
        topic: 'results',
        bytes: seal('result', HEAD, NETUID + 1),
        code: 'MESH_NETUID_MISMATCH',
      },
      {
        name: 'signed for another subnet',
        topic: 'results',
        bytes: forge('result', body, keys.node, { netuid: NETUID + 1 }),
        code: 'MESH_BAD_SIGNATURE',
      },
      { name: 'stale', topic: 'results', bytes: seal('result', stale), code: 'MESH_STALE' },
      {
        name: 'stale from a stranger: freshness comes before the signer',
        topic: 'results',
        bytes: seal('result', stale, NETUID, keys.otherNode),
        code: 'MESH_STALE',
      },
      {
        name: 'oversized envelope',
        topic: 'weights',
        bytes: forge('weights-announcement', new Uint8Array(MAX_BODY_BYTES['weights-announcement'] + 4096), keys.node),
        code: 'MESH_TOO_LARGE',
      },
      {
        name: 'scheme field lies (bound node key, sr25519 code)',
        topic: 'results',
        bytes: forge('result', body, keys.node, { scheme: KEY_SCHEME_CODES.sr25519 }),
        code: 'MESH_WRONG_SCHEME',
      },
      {
        name: 'unknown scheme code',
        topic: 'results',
        bytes: forge('result', body, keys.node, { scheme: 7 }),
        code: 'MESH_WRONG_SCHEME',
      },
      {
        name: 'result signed by the hotkey: not a bound node key',
        topic: 'results',
        bytes: forge('result', body, keys.hotkey),
        code: 'MESH_BINDING_NOT_PERMITTED',
      },
      {
        name: 'unknown signer',
        topic: 'results',
        bytes: seal('result', HEAD, NETUID, keys.otherNode),
        code: 'MESH_BINDING_NOT_PERMITTED',
      },
      {
        name: 'manifest not from the owner',
        topic: 'competitions',
        bytes: forge(
          'competition-manifest',
          encodeBody('competition-manifest', sampleBodies(keys)['competition-manifest']),
          keys.hotkey,
        ),
        code: 'MESH_BINDING_NOT_PERMITTED',
      },
      { name: 'result on the status topic', topic: 'status', bytes: seal('result'), code: 'MESH_UNEXPECTED_TYPE' },
      { name: 'garbage', topic: 'results', bytes: Uint8Array.of(0x0a, 0x7f, 1, 2), code: 'MESH_MALFORMED' },
    ]
  }

  it('for every row of the table', async () => {
    for (const row of table()) {
      const v = await expectSame(row.topic, row.bytes, ctx, row.name)
      expect(v.ok ? 'accepted' : v.code, row.name).toBe(row.code)
    }
  })

  it('when the hotkey behind a binding loses its permit', async () => {
    const revoked = { ...ctx, isPermitted: () => false }
    for (const type of ['result', 'peer-record'] as const) {
      const v = await expectSame(topicOfType(type), seal(type), revoked, type)
      expect(v.ok ? 'accepted' : v.code, type).toBe('MESH_BINDING_NOT_PERMITTED')
    }
  })

  it('property: random mutations of valid envelopes get the same verdict from both', async () => {
    const seen = new Set<string>()
    const property = () =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...MESSAGE_TYPES),
          fc.array(mutationArb, { maxLength: 3 }),
          fc.record({
            // Mostly the type's own topic, so most runs get past the type check.
            topic: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.constantFrom(...TOPIC_NAMES)),
            late: fc.boolean(),
            acceptStale: fc.boolean(),
          }),
          async (type, ms, o) => {
            const bytes = mutateAll(seal(type), ms, mutationKeys, NETUID)
            const topic = o.topic ?? topicOfType(type)
            const c = {
              ...ctx,
              headBlock: o.late ? HEAD + FRESHNESS_WINDOW_BLOCKS[type] + 1 : HEAD,
              acceptStale: o.acceptStale,
            }
            const v = await expectSame(topic, bytes, c, JSON.stringify({ type, ms: ms.map((m) => m.kind), o }))
            seen.add(v.ok ? 'accepted' : String(v.code))
          },
        ),
        { numRuns: 400 },
      )
    // Every batch checks sync == async on 400 fresh cases. The rarest deep verdicts come up in under 2 % of
    // cases (4000 counted: MESH_WRONG_SCHEME 70, MESH_BAD_SIGNER 79), so one batch can miss one now and then;
    // more batches until each is seen, not a pinned seed, so the equivalence keeps meeting new cases.
    await property()
    for (let batch = 1; batch < 10 && DEEP_VERDICTS.some((c) => !seen.has(c)); batch++) await property()
    for (const code of DEEP_VERDICTS) expect(seen, code).toContain(code)
  })
})

describe('the async verify step', () => {
  const counting = (ok: boolean) => {
    const calls: Parameters<AsyncVerifier>[] = []
    const verify: AsyncVerifier = async (...args) => {
      calls.push(args)
      return ok
    }
    return { calls, verify }
  }

  it('decides the signature verdict, once per message', async () => {
    const bytes = seal('result')
    const env = decodeEnvelope(bytes)
    const no = counting(false)
    await expect(validateGossipAsync('results', bytes, ctx, { verify: no.verify })).rejects.toMatchObject({
      code: 'MESH_BAD_SIGNATURE',
    })
    expect(no.calls).toEqual([['ed25519', env.signer, signingPayload('result', NETUID, env.body), env.signature]])
    const yes = counting(true)
    const opened = await validateGossipAsync('results', bytes, ctx, { verify: yes.verify })
    expect(opened.type).toBe(Topic.results)
    expect(yes.calls).toHaveLength(1)
  })

  it('is never paid for a message an earlier check refuses', async () => {
    const v = counting(true)
    const refused: [TopicName, Uint8Array][] = [
      ['results', seal('result', HEAD - FRESHNESS_WINDOW_BLOCKS.result - 1)],
      ['results', seal('result', HEAD, NETUID, keys.otherNode)],
      ['status', seal('job-status', HEAD, NETUID + 1)],
      ['results', forge('result', encodeBody('result', sampleBodies(keys).result), keys.node, { scheme: 9 })],
    ]
    for (const [topic, bytes] of refused) {
      await expect(validateGossipAsync(topic, bytes, ctx, v), topic).rejects.toHaveProperty('action')
    }
    expect(v.calls).toEqual([])
  })
})
