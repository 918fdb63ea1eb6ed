import { describe, expect, it } from 'vitest'
import type { CaseStats } from './stats.js'
import { sweepRate } from './sweep.js'

// The rate search over a fake system whose edge is known; nothing here times anything.

function fakeCase(rate: number, edge: number): CaseStats {
  const ok = rate <= edge
  return {
    rate,
    messages: rate,
    p50Ms: ok ? 2 : 900,
    p99Ms: ok ? 8 : 4000,
    delivery: 1,
    cpuUsPerMsg: 500,
    totalCpuUsPerMsg: 4000,
    lagP99Ms: 1,
    duplicates: 0,
    invalid: 0,
    publishErrors: 0,
    load1: 0.5,
  }
}

function sweep(edge: number, known: number[]) {
  const ran: number[] = []
  const outcome = sweepRate({
    known: known.map((r) => fakeCase(r, edge)),
    maxDoublings: 6,
    bisections: 2,
    maxHalvings: 3,
    run: async (rate) => {
      ran.push(rate)
      return fakeCase(rate, edge)
    },
    log: () => {},
  })
  return outcome.then((o) => ({ ...o, ran }))
}

describe('sweepRate', () => {
  it('doubles from the highest sustained known rate, then bisects towards the first failure', async () => {
    const o = await sweep(700, [100, 400])
    expect(o.ran).toEqual([800, 600, 700])
    expect(o.rate).toBe(700)
    expect(o.failedAt).toBe(800)
    expect(o.reason).toMatch(/^p99/)
    expect(o.stats?.rate).toBe(700)
  })

  it('starts from the first known failure without re-running known rates', async () => {
    const o = await sweep(250, [100, 400])
    expect(o.ran).toEqual([250, 330])
    expect(o.rate).toBe(250)
    expect(o.failedAt).toBe(330)
  })

  it('halves below the lowest known rate when nothing held', async () => {
    const o = await sweep(30, [100, 400])
    expect(o.ran).toEqual([50, 25, 38, 32])
    expect(o.rate).toBe(25)
    expect(o.failedAt).toBe(32)
  })
})
