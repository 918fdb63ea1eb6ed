import { describe, expect, it } from 'vitest'
import { epochIndex, epochStartBlock, isEpochBlock, revealTiming } from '../../../../src/chain/rules/index.js'

describe('epoch arithmetic', () => {
  it('epochIndex = floor((block + netuid + 1) / (tempo + 1))', () => {
    expect(epochIndex(0, 360, 1)).toBe(0)
    expect(epochIndex(358, 360, 1)).toBe(0)
    expect(epochIndex(359, 360, 1)).toBe(1)
    expect(epochIndex(10, 12, 1)).toBe(0)
    expect(epochIndex(11, 12, 1)).toBe(1)
  })

  it('the epoch runs in the last block of each index, and epochStartBlock is the first of the next', () => {
    for (let b = 0; b < 200; b++) {
      const ends = epochIndex(b + 1, 12, 3) !== epochIndex(b, 12, 3)
      expect(isEpochBlock(b, 12, 3), `block ${b}`).toBe(ends)
    }
    for (let e = 1; e < 20; e++) {
      const start = epochStartBlock(e, 12, 3)
      expect(epochIndex(start, 12, 3)).toBe(e)
      expect(epochIndex(start - 1, 12, 3)).toBe(e - 1)
    }
  })

  it('CR v2: reveal only in commit epoch + period; before is too early, after expired', () => {
    // tempo 12, netuid 1: epoch 0 = blocks 0..10, epoch 1 = 11..23, epoch 2 = 24..36
    expect(revealTiming(5, 10, 12, 1, 1)).toBe('too-early')
    expect(revealTiming(5, 11, 12, 1, 1)).toBe('open')
    expect(revealTiming(5, 23, 12, 1, 1)).toBe('open')
    expect(revealTiming(5, 24, 12, 1, 1)).toBe('expired')
    expect(revealTiming(5, 24, 12, 1, 2)).toBe('open')
  })
})
