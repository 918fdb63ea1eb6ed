import { describe, expect, it } from 'vitest'
import {
  chargeCommitmentSpace,
  commitmentCost,
  commitmentFieldFor,
  maxCommitmentBytes,
  type UsedSpace,
} from '../../../../src/chain/rules/index.js'

describe('commitment size rules', () => {
  it('RawN up to 128 bytes, BigRaw up to 512 where the runtime has it', () => {
    expect(commitmentFieldFor(0, false)).toBe('raw')
    expect(commitmentFieldFor(128, false)).toBe('raw')
    expect(commitmentFieldFor(129, false)).toBeUndefined()
    expect(commitmentFieldFor(129, true)).toBe('big-raw')
    expect(commitmentFieldFor(512, true)).toBe('big-raw')
    expect(commitmentFieldFor(513, true)).toBeUndefined()
    expect(maxCommitmentBytes(false)).toBe(128)
    expect(maxCommitmentBytes(true)).toBe(512)
  })

  it('each call costs max(100, total length)', () => {
    expect(commitmentCost([5])).toBe(100)
    expect(commitmentCost([100])).toBe(100)
    expect(commitmentCost([300, 40])).toBe(340)
  })
})

describe('per-epoch commitment space (UsedSpaceOf / MaxSpace 3100)', () => {
  it('allows 31 minimum-cost calls per epoch, refuses the 32nd, and resets in the next epoch', () => {
    let space: ReturnType<typeof chargeCommitmentSpace> | undefined
    let prior: UsedSpace | undefined
    for (let i = 0; i < 31; i++) {
      space = chargeCommitmentSpace(prior, 7, 100)
      expect(space.ok, `call ${i}`).toBe(true)
      if (space.ok) prior = space.space
    }
    const refused = chargeCommitmentSpace(prior, 7, 100)
    expect(refused).toEqual({ ok: false, used: 3100, cost: 100, max: 3100 })
    expect(chargeCommitmentSpace(prior, 8, 100)).toEqual({ ok: true, space: { lastEpoch: 8, used: 100 } })
  })

  it('honours a custom MaxSpace', () => {
    expect(chargeCommitmentSpace(undefined, 0, 512, 500).ok).toBe(false)
    expect(chargeCommitmentSpace(undefined, 0, 500, 500).ok).toBe(true)
  })
})
