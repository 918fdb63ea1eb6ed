import { u8aToHex } from '@polkadot/util'
import { afterEach, describe, expect, it } from 'vitest'
import { ChainError } from '../../../../src/chain/errors.js'
import { errorIndex, extrinsicFailedEvents, HAS_FINNEY_METADATA, NETUID, queryOf, useStandIn } from './helpers.js'

async function rejection(p: Promise<unknown>): Promise<ChainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ChainError)
  return err as ChainError
}

// Submission end to end against the stand-in (mainnet metadata): nonces, inclusion, pool and dispatch errors.
describe.runIf(HAS_FINNEY_METADATA)('SubtensorChain submissions (spec 424 stand-in)', () => {
  const env = useStandIn({ autoInclude: true })
  const eventsKey = (): string => queryOf<{ key: () => string }>(env.chain, 'system', 'events').key()
  const decode = (hex: string) => env.chain.api.createType('Extrinsic', hex)

  afterEach(() => {
    env.standIn.submitPolicy = () => 'include'
    env.standIn.storage.delete(eventsKey())
  })

  it('signs, submits and waits for inclusion, counting nonces locally', async () => {
    const first = await env.chain.setCommitment(env.alice, new TextEncoder().encode('one'))
    const second = await env.chain.setCommitment(env.alice, new TextEncoder().encode('two'))
    expect(second.blockNumber).toBe(first.blockNumber + 1)
    expect(first.blockHash).toBe(env.standIn.hashOf(first.blockNumber))
    const [a, b] = env.standIn.submitted.slice(-2).map(decode)
    expect(a!.signer.toString()).toBe(env.alice.ss58)
    expect(a!.method.section).toBe('commitments')
    expect(a!.method.method).toBe('setCommitment')
    // the stand-in's accountNextIndex stays 0: only a local counter yields 1 for the second
    expect([a!.nonce.toNumber(), b!.nonce.toNumber()]).toEqual([0, 1])
    expect(first.txHash).toBe(a!.hash.toHex())
  })

  it('serialises concurrent transactions of one signer in submission order', async () => {
    const before = env.standIn.submitted.length
    const texts = ['p', 'q', 'r'].map((t) => new TextEncoder().encode(t))
    await Promise.all(texts.map((t) => env.chain.setCommitment(env.alice, t)))
    const sent = env.standIn.submitted.slice(before).map(decode)
    expect(sent.map((x) => x.nonce.toNumber())).toEqual([2, 3, 4])
  })

  it('resyncs the nonce after a stale refusal and resubmits', async () => {
    await env.chain.setCommitment(env.bob, new Uint8Array([1]))
    // Someone else used Bob's key: the chain is at 9 while our counter says 1.
    env.standIn.nonces.set(env.bob.ss58, 9)
    let refused = 0
    env.standIn.submitPolicy = (hex) => {
      if (decode(hex).nonce.toNumber() >= 9) return 'include'
      refused++
      return { code: 1010, message: 'Invalid Transaction', data: 'Transaction is outdated' }
    }
    await env.chain.setCommitment(env.bob, new Uint8Array([2]))
    expect(refused).toBe(1)
    expect(decode(env.standIn.submitted.at(-1)!).nonce.toNumber()).toBe(9)
  })

  it('decodes a module error into its code, naming pallet and error', async () => {
    const index = errorIndex(env.chain, 'commitments', 'SpaceLimitExceeded')
    env.standIn.storage.set(eventsKey(), extrinsicFailedEvents(18, index))
    const err = await rejection(env.chain.setCommitment(env.alice, new Uint8Array([9])))
    expect(err.code).toBe('CHAIN_COMMITMENT_RATE_LIMITED')
    expect(err.meta).toMatchObject({ pallet: 'Commitments', error: 'SpaceLimitExceeded' })
  })

  it('gives an unmapped module error CHAIN_DISPATCH_FAILED with pallet and error', async () => {
    const index = errorIndex(env.chain, 'commitments', 'UnexpectedUnreserveLeftover')
    env.standIn.storage.set(eventsKey(), extrinsicFailedEvents(18, index))
    const err = await rejection(env.chain.setCommitment(env.alice, new Uint8Array([9])))
    expect(err.code).toBe('CHAIN_DISPATCH_FAILED')
    expect(err.meta).toMatchObject({ pallet: 'Commitments', error: 'UnexpectedUnreserveLeftover' })
  })

  it("maps Subtensor's pool rate-limit refusal (Custom error: 6) to the call's rate-limit code", async () => {
    env.standIn.submitPolicy = () => ({ code: 1010, message: 'Invalid Transaction', data: 'Custom error: 6' })
    const err = await rejection(env.chain.setCommitment(env.alice, new Uint8Array([1])))
    expect(err.code).toBe('CHAIN_COMMITMENT_RATE_LIMITED')
  })

  it('refuses an oversized commitment before sending anything', async () => {
    const before = env.standIn.submitted.length
    const err = await rejection(env.chain.setCommitment(env.alice, new Uint8Array(513)))
    expect(err.code).toBe('CHAIN_COMMITMENT_TOO_LARGE')
    expect(env.standIn.submitted.length).toBe(before)
  })

  it('refuses set_weights locally when commit-reveal is on (the runtime default)', async () => {
    const reply = env.chain.api.createType('Option<PalletSubtensorRpcInfoMetagraph>', {
      netuid: NETUID,
      hotkeys: [env.alice.ss58],
      coldkeys: [env.alice.ss58],
      validatorPermit: [true],
      active: [true],
      lastUpdate: [0],
      blockAtRegistration: [0],
      totalStake: [10n ** 12n],
    })
    env.standIn.calls.set('SubnetInfoRuntimeApi_get_metagraph', u8aToHex(reply.toU8a()))
    const before = env.standIn.submitted.length
    const err = await rejection(env.chain.setWeights(env.alice, { uids: [0], weights: [1] }))
    expect(err.code).toBe('CHAIN_COMMIT_REVEAL_ENABLED')
    expect(env.standIn.submitted.length).toBe(before)
  })

  it('refuses commit_timelocked_weights with the wrong commit-reveal version before sending', async () => {
    const before = env.standIn.submitted.length
    const err = await rejection(
      env.chain.commitTimelockedWeights(env.alice, {
        commit: new Uint8Array([1]),
        revealRound: 1n,
        commitRevealVersion: 3,
      }),
    )
    expect(err.code).toBe('CHAIN_UNSUPPORTED')
    expect(err.meta).toMatchObject({ expected: 4, got: 3 })
    expect(env.standIn.submitted.length).toBe(before)
  })
})
