import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NonceQueue } from '../../../../src/chain/subtensor/nonce-queue.js'

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('NonceQueue', () => {
  it('runs the jobs of one address one at a time, in submission order, even past failures', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(3), fc.boolean()), { minLength: 1, maxLength: 12 }), async (jobs) => {
        const q = new NonceQueue(async () => 0)
        const started: number[] = []
        let running = 0
        let overlap = false
        const runs = jobs.map(([ticks, fails], i) =>
          q
            .run('alice', async () => {
              started.push(i)
              running++
              if (running > 1) overlap = true
              for (let t = 0; t < ticks; t++) await tick()
              running--
              if (fails) throw new Error(`job ${i}`)
              return i
            })
            .catch(() => -1),
        )
        const results = await Promise.all(runs)
        expect(overlap).toBe(false)
        expect(started).toEqual(jobs.map((_, i) => i))
        expect(results).toEqual(jobs.map(([, fails], i) => (fails ? -1 : i)))
      }),
      { numRuns: 50 },
    )
  })

  it('lets different addresses run side by side', async () => {
    const q = new NonceQueue(async () => 0)
    let releaseA!: () => void
    const a = q.run('alice', () => new Promise<string>((r) => (releaseA = () => r('a'))))
    const b = await q.run('bob', async () => 'b')
    expect(b).toBe('b')
    releaseA()
    expect(await a).toBe('a')
  })

  it('fetches the nonce once, counts locally, and refetches after a resync', async () => {
    let fetches = 0
    const q = new NonceQueue(async () => {
      fetches++
      return 40 + fetches
    })
    expect(await q.peek('alice')).toBe(41)
    q.accepted('alice', 41)
    expect(await q.peek('alice')).toBe(42)
    expect(fetches).toBe(1)
    q.resync('alice')
    expect(await q.peek('alice')).toBe(42)
    expect(fetches).toBe(2)
  })
})
