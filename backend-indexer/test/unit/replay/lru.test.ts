import { describe, expect, it } from 'vitest'
import { boundsOf } from '../../../src/replay/document.js'
import { WeightedLru } from '../../../src/replay/lru.js'
import type { ReplayFrame } from '../../../src/replay/types.js'

describe('WeightedLru', () => {
  it('evicts the least recently used entries once the total weight is over the limit', () => {
    const lru = new WeightedLru<number[]>(10, (v) => v.length)
    lru.set('a', [1, 1, 1, 1])
    lru.set('b', [1, 1, 1, 1])
    expect(lru.get('a')).toHaveLength(4) // a is now the most recent
    lru.set('c', [1, 1, 1, 1])
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBeDefined()
    expect(lru.get('c')).toBeDefined()
    expect(lru.weight).toBe(8)
    // Replacing a key re-weighs it; a value heavier than the whole cache is not kept.
    lru.set('a', [1])
    expect(lru.weight).toBe(5)
    lru.set('huge', new Array(11).fill(0))
    expect(lru.get('huge')).toBeUndefined()
    expect(lru.size).toBe(2)
  })
})

describe('boundsOf', () => {
  it('spans every point of every frame, and is the origin without points', () => {
    const frames: ReplayFrame[] = [
      { t: 0, reward: 0, success: false, points: { effector: [0, 1, 2] } },
      { t: 1, reward: 1, success: true, points: { effector: [-1, 3, 2], target: [2, 0, 5] } },
    ]
    expect(boundsOf(frames)).toEqual({ min: [-1, 0, 2], max: [2, 3, 5] })
    expect(boundsOf([{ t: 0, reward: 0, success: false, points: {} }])).toEqual({ min: [0, 0, 0], max: [0, 0, 0] })
  })
})
