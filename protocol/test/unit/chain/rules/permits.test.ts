import { describe, expect, it } from 'vitest'
import { validatorPermits } from '../../../../src/chain/rules/index.js'

describe('validatorPermits (epoch: top-k non-zero stake above the threshold, owner forced)', () => {
  it('gives permits to the top maxAllowed stakes among those at or above the threshold', () => {
    const c = [{ stake: 500n }, { stake: 5000n }, { stake: 3000n }, { stake: 4000n }]
    expect(validatorPermits(c, 1000n, 2)).toEqual([false, true, false, true])
    expect(validatorPermits(c, 1000n, 10)).toEqual([false, true, true, true])
  })

  it('stake below the threshold counts as none, except for the owner, who is always permitted', () => {
    const c = [{ stake: 0n, isOwner: true }, { stake: 999n }, { stake: 1000n }]
    expect(validatorPermits(c, 1000n, 3)).toEqual([true, false, true])
    expect(validatorPermits(c, 1000n, 1)).toEqual([true, false, true])
  })

  it('ties go to the higher uid (stable ascending sort drops the first n − k)', () => {
    expect(validatorPermits([{ stake: 10n }, { stake: 10n }, { stake: 10n }], 0n, 2)).toEqual([false, true, true])
  })
})
