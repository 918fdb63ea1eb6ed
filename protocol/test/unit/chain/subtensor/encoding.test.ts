import { u8aToHex } from '@polkadot/util'
import { blake2AsU8a, sr25519Verify, xxhashAsU8a } from '@polkadot/util-crypto'
import { describe, expect, it } from 'vitest'
import { commitHash } from '../../../../src/chain/rules/index.js'
import { commitmentInfo } from '../../../../src/chain/subtensor/commitment-codec.js'
import { polkadotSigner } from '../../../../src/chain/subtensor/signer.js'
import { callHex, HAS_FINNEY_METADATA, le, NETUID, queryOf, txOf, useStandIn, vecU16 } from './helpers.js'

// Exact call bytes of mainnet spec 424: pallets SubtensorModule = 7 and Commitments = 18; call indices from
// reference/chain.md §2 and §5 (set_weights 0, commit_weights 96, reveal_weights 97, commit_timelocked 113).
describe.runIf(HAS_FINNEY_METADATA)('Subtensor encoding against mainnet metadata (spec 424)', () => {
  const env = useStandIn()
  const net = le(NETUID, 2)

  it('decorates spec 424 with every capability', () => {
    expect(env.chain.profile.specVersion).toBe(424)
    expect(env.chain.capabilities).toEqual({ timelockedWeights: true, hashCommitReveal: true, bigRawCommitments: true })
    expect(env.chain.profile.typedMetagraph).toBe(true)
    expect(env.chain.profile.stakeThresholdItem).toBe('stakeThreshold')
  })

  it('encodes set_commitment with a RawN field', () => {
    const data = new TextEncoder().encode('kinitro:v1:abc')
    const tx = txOf(env.chain, 'commitments', 'setCommitment')(NETUID, commitmentInfo(data, true))
    // one field (04), tag = len + 1, then exactly len bytes, no compact length
    expect(callHex(tx)).toBe(
      `0x1200${net}04${(data.length + 1).toString(16).padStart(2, '0')}${u8aToHex(data).slice(2)}`,
    )
  })

  it('encodes set_commitment with a BigRaw field above 128 bytes', () => {
    const data = new Uint8Array(200).map((_, i) => i)
    const tx = txOf(env.chain, 'commitments', 'setCommitment')(NETUID, commitmentInfo(data, true))
    // BigRaw tag 136 (0x88), compact length 200 = 0x2103
    expect(callHex(tx)).toBe(`0x1200${net}04882103${u8aToHex(data).slice(2)}`)
  })

  it('encodes set_weights', () => {
    const tx = txOf(env.chain, 'subtensorModule', 'setWeights')(NETUID, [0, 3], [65535, 1000], 7n)
    expect(callHex(tx)).toBe(`0x0700${net}${vecU16([0, 3])}${vecU16([65535, 1000])}${le(7, 8)}`)
  })

  it('encodes commit_weights with the CR v2 hash', () => {
    const hash = env.chain.commitHash(env.alice, { uids: [1], weights: [10], salt: [1, 2], versionKey: 0n })
    const tx = txOf(env.chain, 'subtensorModule', 'commitWeights')(NETUID, hash)
    expect(callHex(tx)).toBe(`0x0760${net}${hash.slice(2)}`)
    // blake2-256 of SCALE (AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64), built by hand here
    const preimage = `${u8aToHex(env.alice.publicKey)}${net}${vecU16([1])}${vecU16([10])}${vecU16([1, 2])}${le(0, 8)}`
    expect(hash).toBe(u8aToHex(blake2AsU8a(Buffer.from(preimage.slice(2), 'hex'), 256)))
  })

  it('hashes a CR v2 commit exactly like the shared rules', () => {
    const input = { uids: [0, 5, 9], weights: [65535, 1, 300], salt: [3, 1, 4, 1, 5], versionKey: 9n }
    const ours = env.chain.commitHash(env.bob, input)
    const rules = commitHash({ hotkey: env.bob.publicKey, netuidIndex: NETUID, ...input, values: input.weights })
    expect(ours).toBe(u8aToHex(rules))
  })

  it('encodes reveal_weights', () => {
    const tx = txOf(env.chain, 'subtensorModule', 'revealWeights')(NETUID, [1], [10], [1, 2], 5n)
    expect(callHex(tx)).toBe(`0x0761${net}${vecU16([1])}${vecU16([10])}${vecU16([1, 2])}${le(5, 8)}`)
  })

  it('encodes commit_timelocked_weights', () => {
    const commit = new Uint8Array([0xde, 0xad, 0xbe, 0xef])
    const tx = txOf(env.chain, 'subtensorModule', 'commitTimelockedWeights')(NETUID, u8aToHex(commit), 123_456n, 4)
    expect(callHex(tx)).toBe(`0x0771${net}10deadbeef${le(123_456, 8)}${le(4, 2)}`)
  })

  it('computes the 74-byte CommitmentOf key (twox128 ‖ twox128 ‖ u16 LE ‖ xxhash64 ‖ account)', () => {
    const key = queryOf<{ key: (...a: unknown[]) => string }>(env.chain, 'commitments', 'commitmentOf').key(
      NETUID,
      env.bob.ss58,
    )
    const expected =
      u8aToHex(xxhashAsU8a('Commitments', 128)) +
      u8aToHex(xxhashAsU8a('CommitmentOf', 128)).slice(2) +
      net +
      u8aToHex(xxhashAsU8a(env.bob.publicKey, 64)).slice(2) +
      u8aToHex(env.bob.publicKey).slice(2)
    expect(key).toBe(expected)
    expect((key.length - 2) / 2).toBe(74)
  })

  it('signs with the hotkey: the extrinsic decodes and its sr25519 signature verifies', async () => {
    const { api } = env.chain
    const tx = txOf(env.chain, 'subtensorModule', 'setWeights')(NETUID, [0, 1], [1, 2], 0n)
    const genesisHash = api.genesisHash.toHex()
    await tx.signAsync(env.alice.ss58, { signer: polkadotSigner(env.alice), nonce: 9, era: 0, blockHash: genesisHash })
    const decoded = api.createType('Extrinsic', tx.toHex())
    expect(decoded.isSigned).toBe(true)
    expect(decoded.signer.toString()).toBe(env.alice.ss58)
    expect(decoded.nonce.toNumber()).toBe(9)
    expect(decoded.method.toHex()).toBe(tx.method.toHex())
    const sig = decoded.signature.toU8a()
    expect(sig.length).toBe(64)
    const payload = api
      .createType(
        'ExtrinsicPayload',
        {
          method: decoded.method.toHex(),
          era: decoded.era,
          nonce: decoded.nonce,
          tip: decoded.tip,
          specVersion: api.runtimeVersion.specVersion,
          transactionVersion: api.runtimeVersion.transactionVersion,
          genesisHash,
          blockHash: genesisHash,
          mode: 0,
        },
        { version: decoded.version & 0x7f },
      )
      .toU8a({ method: true })
    const message = payload.length > 256 ? blake2AsU8a(payload, 256) : payload
    expect(sr25519Verify(message, sig, env.alice.publicKey)).toBe(true)
    expect(sr25519Verify(message, sig, env.bob.publicKey)).toBe(false)
  })
})
