import { describe, expect, it } from 'vitest'
import { ChainError } from '../../../../src/chain/errors.js'
import type { SetWeightsState } from '../../../../src/chain/rules/index.js'
import { precheckWeights, type WeightsMode } from '../../../../src/chain/subtensor/weights-precheck.js'

const base: SetWeightsState = {
  netuid: 1,
  block: 100,
  commitRevealEnabled: false,
  neuronCount: 4,
  uid: 0,
  isOwner: false,
  stake: 10_000n,
  stakeThreshold: 1_000n,
  validatorPermit: true,
  lastUpdate: 0,
  weightsRateLimit: 10,
  networkVersionKey: 0n,
  minAllowedWeights: 1,
  maxWeightLimit: 65535,
}

function codeOf(mode: WeightsMode, patch: Partial<SetWeightsState>, uids = [1, 2], weights = [1, 1]): string {
  try {
    precheckWeights({ uids, weights }, mode, { ...base, ...patch })
    return 'ok'
  } catch (err) {
    return err instanceof ChainError ? err.code : String(err)
  }
}

describe('precheckWeights', () => {
  it('gates each extrinsic on the commit-reveal flag', () => {
    expect(codeOf('set', { commitRevealEnabled: true })).toBe('CHAIN_COMMIT_REVEAL_ENABLED')
    expect(codeOf('commit', { commitRevealEnabled: false })).toBe('CHAIN_COMMIT_REVEAL_DISABLED')
    expect(codeOf('reveal', { commitRevealEnabled: false })).toBe('CHAIN_COMMIT_REVEAL_DISABLED')
    expect(codeOf('set', {})).toBe('ok')
    expect(codeOf('commit', { commitRevealEnabled: true })).toBe('ok')
  })

  it('applies the rate limit to set and commit but not to the reveal', () => {
    const recent = { lastUpdate: 95, commitRevealEnabled: true }
    expect(codeOf('set', { lastUpdate: 95 })).toBe('CHAIN_WEIGHTS_RATE_LIMITED')
    expect(codeOf('commit', recent)).toBe('CHAIN_WEIGHTS_RATE_LIMITED')
    expect(codeOf('reveal', recent)).toBe('ok')
  })

  it('refuses commits from unregistered or understaked hotkeys, except the owner on stake', () => {
    const cr = { commitRevealEnabled: true }
    expect(codeOf('commit', { ...cr, uid: undefined })).toBe('CHAIN_NOT_REGISTERED')
    expect(codeOf('commit', { ...cr, stake: 1n })).toBe('CHAIN_NOT_ENOUGH_STAKE')
    expect(codeOf('commit', { ...cr, stake: 1n, isOwner: true })).toBe('ok')
  })

  it('runs the shared set_weights rules on set and reveal', () => {
    expect(codeOf('set', {}, [1, 1], [1, 2])).toBe('CHAIN_WEIGHTS_INVALID')
    expect(codeOf('set', {}, [1, 9], [1, 2])).toBe('CHAIN_WEIGHTS_INVALID')
    expect(codeOf('set', { validatorPermit: false })).toBe('CHAIN_NO_VALIDATOR_PERMIT')
    expect(codeOf('reveal', { commitRevealEnabled: true, networkVersionKey: 5n })).toBe('CHAIN_VERSION_KEY_TOO_LOW')
  })
})
