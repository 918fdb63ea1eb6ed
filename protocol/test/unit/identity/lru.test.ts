import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LruCache } from '../../../src/identity/lru.js'

describe('LruCache', () => {
  it('evicts the least recently used entry, counting reads as uses', () => {
    const lru = new LruCache<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1) // now b is the oldest
    lru.set('c', 3)
    expect(lru.has('b')).toBe(false)
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
  })

  it('never exceeds its bound and always keeps the newest key (model check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        (max, keys) => {
          const lru = new LruCache<number, number>(max)
          const order: number[] = [] // reference model: most recent last
          for (const k of keys) {
            if (k % 3 === 0 && lru.has(k)) {
              expect(lru.get(k)).toBe(k * 10)
            } else {
              lru.set(k, k * 10)
            }
            // Both a hit and a write make k the most recent.
            const i = order.indexOf(k)
            if (i >= 0) order.splice(i, 1)
            order.push(k)
            while (order.length > max) order.shift()
            expect(lru.size).toBe(order.length)
            for (const kept of order) expect(lru.has(kept)).toBe(true)
          }
        },
      ),
    )
  })

  it('rejects a non-positive size', () => {
    expect(() => new LruCache(0)).toThrow(RangeError)
  })
})
