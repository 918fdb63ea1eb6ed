import { describe, expect, it } from 'vitest'
import { DevChainState, genesisSnapshot } from '../../../../src/chain/devchain/state.js'
import { applyCall, type DevCall } from '../../../../src/chain/devchain/transactions.js'
import { ChainError } from '../../../../src/chain/errors.js'
import { devAccounts } from '../../../../src/identity/dev-accounts.js'

const [alice, bob, charlie, dave] = devAccounts().map((a) => a.ss58) as [string, string, string, string]
const fresh = () => new DevChainState(genesisSnapshot([1], `0x${'11'.repeat(32)}`))

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof ChainError) return err.code
    throw err
  }
  return undefined
}

describe('dev chain state: registration', () => {
  it('assigns uids in order, refuses a second registration, and replaces the lowest stake when full', () => {
    const s = fresh()
    s.setHyperparameters(1, { maxAllowedUids: 2, immunityPeriod: 5 })
    expect(s.register(1, alice).uid).toBe(0)
    expect(s.register(1, bob).uid).toBe(1)
    expect(codeOf(() => s.register(1, alice))).toBe('CHAIN_ALREADY_REGISTERED')
    // Full and everyone immune: nothing to replace.
    expect(codeOf(() => s.register(1, charlie))).toBe('CHAIN_DISPATCH_FAILED')
    for (let i = 0; i < 5; i++) s.produceBlock()
    s.fund(alice, 100n)
    s.addStake(1, alice, 100n)
    const replaced = s.register(1, charlie)
    expect(replaced.uid).toBe(1)
    expect(s.metagraph(1).neurons.map((n) => n.hotkey)).toEqual([alice, charlie])
    expect(s.neuron(1, bob)).toBeUndefined()
  })

  it('auto-creates a subnet on register; reads of a missing subnet are CHAIN_SUBNET_NOT_FOUND', () => {
    const s = fresh()
    expect(codeOf(() => s.metagraph(9))).toBe('CHAIN_SUBNET_NOT_FOUND')
    s.register(9, alice)
    expect(s.metagraph(9).neurons).toHaveLength(1)
  })
})

describe('dev chain state: stake and permits', () => {
  it('stake comes from the coldkey balance; permits change only at the epoch block', () => {
    const s = fresh()
    s.setHyperparameters(1, { tempo: 4 })
    s.register(1, alice)
    s.register(1, bob, dave)
    expect(codeOf(() => s.addStake(1, bob, 1n))).toBe('CHAIN_INSUFFICIENT_BALANCE')
    expect(codeOf(() => s.addStake(1, charlie, 1n))).toBe('CHAIN_NOT_REGISTERED')
    s.fund(alice, 5000n)
    expect(s.addStake(1, alice, 2000n)).toBe(2000n)
    expect(s.snapshot.balances[alice]).toBe(3000n)
    expect(s.metagraph(1).neurons[0]?.validatorPermit).toBe(false)
    // tempo 4, netuid 1: the epoch runs where (b + 2) % 5 == 4, i.e. block 2.
    s.produceBlock()
    expect(s.metagraph(1).neurons[0]?.validatorPermit).toBe(false)
    s.produceBlock()
    expect(s.metagraph(1).neurons.map((n) => n.validatorPermit)).toEqual([true, false])
  })

  it('the subnet owner is permitted and exempt from the stake threshold', () => {
    const s = fresh()
    s.setHyperparameters(1, { tempo: 4 })
    s.createSubnet(1, bob)
    s.register(1, alice)
    s.register(1, bob)
    s.produceBlock()
    s.produceBlock()
    expect(s.canSetWeights(1, bob)).toMatchObject({ validatorPermit: true, stakeSufficient: true })
    expect(s.canSetWeights(1, alice)).toMatchObject({ validatorPermit: false, stakeSufficient: false })
  })
})

describe('dev chain state: weights and commit-reveal', () => {
  function validator() {
    const s = fresh()
    s.setHyperparameters(1, { tempo: 4, minAllowedWeights: 1, weightsRateLimit: 0 })
    s.register(1, alice)
    s.register(1, bob)
    s.fund(alice, 10_000n)
    s.addStake(1, alice, 10_000n)
    s.produceBlock()
    s.produceBlock()
    return s
  }

  it('stores timelocked commits (never revealed) and checks the CR version', () => {
    const s = validator()
    const call = {
      method: 'commitTimelockedWeights',
      commit: '0xabcd',
      revealRound: 42n,
      commitRevealVersion: 4,
    } as const
    applyCall(s, 1, alice, call)
    expect(s.subnet(1).timelocked).toEqual([{ hotkey: alice, block: 2, commit: '0xabcd', revealRound: 42n }])
    expect(codeOf(() => applyCall(s, 1, alice, { ...call, commitRevealVersion: 3 }))).toBe('CHAIN_DISPATCH_FAILED')
    s.setHyperparameters(1, { commitRevealEnabled: false })
    expect(codeOf(() => applyCall(s, 1, alice, call))).toBe('CHAIN_COMMIT_REVEAL_DISABLED')
  })

  it('caps unrevealed commits at 10, and the epoch drops commits that can no longer be revealed', () => {
    const s = validator()
    for (let i = 0; i < 10; i++) applyCall(s, 1, alice, { method: 'commitWeights', hash: `0x${String(i).repeat(64)}` })
    expect(codeOf(() => applyCall(s, 1, alice, { method: 'commitWeights', hash: `0x${'a'.repeat(64)}` }))).toBe(
      'CHAIN_TOO_MANY_COMMITS',
    )
    // Commits at block 2 (epoch 0) reveal in epoch 1 (blocks 3..7); the epoch run at block 12 (epoch 2) drops them.
    for (let i = 0; i < 9; i++) s.produceBlock()
    expect(s.subnet(1).weightCommits[alice]).toHaveLength(10)
    s.produceBlock()
    expect(s.subnet(1).weightCommits[alice]).toBeUndefined()
  })

  it('reveal with different weights than committed is CHAIN_NO_WEIGHTS_COMMIT', () => {
    const s = validator()
    const reveal: DevCall = { method: 'revealWeights', uids: [1], weights: [5], salt: [1], versionKey: 0n }
    applyCall(s, 1, alice, { method: 'commitWeights', hash: `0x${'00'.repeat(32)}` })
    s.produceBlock()
    expect(codeOf(() => applyCall(s, 1, alice, reveal))).toBe('CHAIN_NO_WEIGHTS_COMMIT')
  })
})
