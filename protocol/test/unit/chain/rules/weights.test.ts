import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  blocksUntilWeightsAllowed,
  checkSetWeights,
  maxUpscale,
  type SetWeightsState,
  withinMaxWeightLimit,
} from '../../../../src/chain/rules/index.js'

describe('maxUpscale (vec_u16_max_upscale_to_u16)', () => {
  it('scales the largest to 65535 and the rest proportionally, rounding half up', () => {
    expect(maxUpscale([3, 1])).toEqual([65535, 21845])
    expect(maxUpscale([32767, 32767])).toEqual([65535, 65535]) // seen on a real runtime (chain.md §5)
    expect(maxUpscale([1, 2])).toEqual([32768, 65535]) // 32767.5 rounds up
    expect(maxUpscale([0, 0])).toEqual([0, 0])
    expect(maxUpscale([])).toEqual([])
  })

  it('above a max of 32768 multiplies by a truncated 65535/max, as the runtime does', () => {
    // Exact arithmetic gives 32767.5 → 32768; the truncated I32F32 ratio lands just below the half.
    expect(maxUpscale([40000, 20000])).toEqual([65535, 32767])
    expect(maxUpscale([65535, 1, 32768])).toEqual([65535, 1, 32768])
  })

  it('property: max becomes 65535, zeros stay zero, values within 1 of the exact ratio', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 40 }), (values) => {
        const max = Math.max(...values)
        const out = maxUpscale(values)
        if (max === 0) return out.every((v) => v === 0)
        expect(Math.max(...out)).toBe(65535)
        values.forEach((v, i) => {
          expect(Math.abs(out[i]! - (v * 65535) / max), `index ${i}`).toBeLessThanOrEqual(1)
          if (v === 0) expect(out[i]).toBe(0)
        })
        return true
      }),
    )
  })
})

describe('withinMaxWeightLimit (check_vec_max_limited)', () => {
  it('compares the sum-normalised largest weight with limit / 65535', () => {
    expect(withinMaxWeightLimit([1, 1], 32768)).toBe(true)
    expect(withinMaxWeightLimit([2, 1], 32768)).toBe(false)
    expect(withinMaxWeightLimit([2, 1], 65535)).toBe(true)
  })
})

const base: SetWeightsState = {
  netuid: 1,
  block: 1000,
  commitRevealEnabled: false,
  neuronCount: 4,
  uid: 0,
  isOwner: false,
  stake: 10_000n,
  stakeThreshold: 1000n,
  validatorPermit: true,
  lastUpdate: 0,
  weightsRateLimit: 100,
  networkVersionKey: 0n,
  minAllowedWeights: 1,
  maxWeightLimit: 65535,
}
const call = { uids: [1, 2], weights: [10, 20] }
const check = (patch: Partial<SetWeightsState>, c: Parameters<typeof checkSetWeights>[1] = call) =>
  checkSetWeights({ ...base, ...patch }, c)

describe('checkSetWeights: Subtensor order and codes', () => {
  it('passes a valid call', () => {
    expect(check({})).toBeUndefined()
  })

  it.each([
    [{ commitRevealEnabled: true }, call, 'CHAIN_COMMIT_REVEAL_ENABLED', 'CommitRevealEnabled'],
    [{ netuid: 0 }, call, 'CHAIN_WEIGHTS_INVALID', 'CannotSetRootNetworkWeights'],
    [{}, { uids: [1], weights: [1, 2] }, 'CHAIN_WEIGHTS_INVALID', 'WeightVecNotEqualSize'],
    [{ neuronCount: 1 }, call, 'CHAIN_WEIGHTS_INVALID', 'UidsLengthExceedUidsInSubNet'],
    [{ uid: undefined }, call, 'CHAIN_NOT_REGISTERED', 'HotKeyNotRegisteredInSubNet'],
    [{ stake: 999n }, call, 'CHAIN_NOT_ENOUGH_STAKE', 'NotEnoughStakeToSetWeights'],
    [{ networkVersionKey: 5n }, { ...call, versionKey: 4n }, 'CHAIN_VERSION_KEY_TOO_LOW', 'IncorrectWeightVersionKey'],
    [{ lastUpdate: 950 }, call, 'CHAIN_WEIGHTS_RATE_LIMITED', 'SettingWeightsTooFast'],
    [{ validatorPermit: false }, call, 'CHAIN_NO_VALIDATOR_PERMIT', 'NeuronNoValidatorPermit'],
    [{}, { uids: [1, 1], weights: [1, 2] }, 'CHAIN_WEIGHTS_INVALID', 'DuplicateUids'],
    [{}, { uids: [1, 7], weights: [1, 2] }, 'CHAIN_WEIGHTS_INVALID', 'UidVecContainInvalidOne'],
    [{ minAllowedWeights: 3 }, call, 'CHAIN_WEIGHTS_INVALID', 'WeightVecLengthIsLow'],
    [{ maxWeightLimit: 30000 }, call, 'CHAIN_WEIGHT_ABOVE_LIMIT', 'MaxWeightExceeded'],
  ] as const)('%o %o → %s (%s)', (patch, c, code, error) => {
    const v = check(patch, c)
    expect(v?.code).toBe(code)
    expect(v?.error).toBe(error)
    expect(v?.message.length).toBeGreaterThan(10)
  })

  it('runs the checks in order: the earliest failing rule wins', () => {
    const everything: Partial<SetWeightsState> = { commitRevealEnabled: true, uid: undefined, stake: 0n }
    expect(check(everything, { uids: [1], weights: [1, 2] })?.error).toBe('CommitRevealEnabled')
    expect(check({ uid: undefined }, { uids: [1], weights: [1, 2] })?.error).toBe('WeightVecNotEqualSize')
    expect(check({ uid: undefined, stake: 0n })?.error).toBe('HotKeyNotRegisteredInSubNet')
    expect(check({ stake: 0n, lastUpdate: 999 })?.error).toBe('NotEnoughStakeToSetWeights')
    expect(check({ lastUpdate: 999, validatorPermit: false })?.error).toBe('SettingWeightsTooFast')
  })

  it('the owner skips the stake threshold and the permit; a lone self-weight skips permit and length', () => {
    expect(check({ isOwner: true, stake: 0n, validatorPermit: false })).toBeUndefined()
    expect(check({ validatorPermit: false, minAllowedWeights: 4 }, { uids: [0], weights: [1] })).toBeUndefined()
  })

  it('LastUpdate 0 always passes the rate limit; the reveal path skips CR and rate limit', () => {
    expect(check({ lastUpdate: 0, block: 1 })).toBeUndefined()
    expect(checkSetWeights({ ...base, commitRevealEnabled: true, lastUpdate: 999 }, call, 'reveal')).toBeUndefined()
  })

  it('blocksUntilWeightsAllowed counts down from lastUpdate + rateLimit', () => {
    expect(blocksUntilWeightsAllowed(0, 5, 100)).toBe(0)
    expect(blocksUntilWeightsAllowed(950, 1000, 100)).toBe(50)
    expect(blocksUntilWeightsAllowed(900, 1000, 100)).toBe(0)
  })
})
