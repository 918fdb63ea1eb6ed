import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cycleOf, cycleStartBlock, JobsError, mayHoldSlot, takeOverCandidates } from '../../../src/jobs/index.js'

const m = { id: 'c', startBlock: 100, endBlock: 0, cycleLengthBlocks: 10 }

describe('cycles', () => {
  it('maps blocks to cycles from start_block in cycle_length_blocks steps', () => {
    expect(cycleOf(99, m)).toBeUndefined()
    expect(cycleOf(100, m)).toBe(0)
    expect(cycleOf(109, m)).toBe(0)
    expect(cycleOf(110, m)).toBe(1)
    expect(cycleStartBlock(3, m)).toBe(130)
    for (let b = 100; b < 200; b++) {
      const c = cycleOf(b, m) as number
      expect(cycleStartBlock(c, m)).toBeLessThanOrEqual(b)
      expect(cycleStartBlock(c + 1, m)).toBeGreaterThan(b)
    }
  })
  it('ends after a non-zero end_block', () => {
    const ended = { ...m, endBlock: 125 }
    expect(cycleOf(125, ended)).toBe(2)
    expect(cycleOf(126, ended)).toBeUndefined()
  })
  it('refuses unusable schedules with JOBS_BAD_MANIFEST', () => {
    expect(() => cycleOf(5, { ...m, cycleLengthBlocks: 0 })).toThrow(JobsError)
    expect(() => cycleOf(5, { ...m, endBlock: 50 })).toThrow(/JOBS_BAD_MANIFEST/)
  })
})

describe('takeOverCandidates', () => {
  const ranking = ['a', 'b', 'c', 'd', 'e', 'f']
  const base = { ranking, r: 3, since: 100, head: 105, silenceBlocks: 10 }
  it('nobody takes over while assignees are within the silence window', () => {
    expect(takeOverCandidates({ ...base, lastStatusBlock: new Map() })).toEqual([])
  })
  it('the next validators in rendezvous order replace silent assignees, in slot order', () => {
    const last = new Map([['b', 118]])
    const out = takeOverCandidates({ ...base, head: 119, lastStatusBlock: last })
    expect(out).toEqual([
      { hotkey: 'd', replaces: 'a', since: 110 },
      { hotkey: 'e', replaces: 'c', since: 110 },
    ])
  })
  it('a silent successor passes the slot on after another silence period', () => {
    const out = takeOverCandidates({
      ...base,
      head: 121,
      lastStatusBlock: new Map([
        ['b', 120],
        ['c', 120],
      ]),
    })
    expect(out).toEqual([{ hotkey: 'e', replaces: 'a', since: 120 }])
    // d reported after inheriting: it keeps the slot.
    const kept = takeOverCandidates({
      ...base,
      head: 121,
      lastStatusBlock: new Map([
        ['b', 120],
        ['c', 120],
        ['d', 112],
      ]),
    })
    expect(kept).toEqual([{ hotkey: 'd', replaces: 'a', since: 110 }])
  })
  it('runs out of candidates gracefully', () => {
    const out = takeOverCandidates({ ...base, ranking: ['a', 'b'], r: 3, head: 500, lastStatusBlock: new Map() })
    expect(out).toEqual([])
  })
})

describe('mayHoldSlot', () => {
  const ranking = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
  const base = { ranking, r: 2, since: 100, silenceBlocks: 10 }

  it('admits assignees always, other ranked validators from the first silence period on, strangers never', () => {
    const at = (hotkey: string, block: number) => mayHoldSlot({ ...base, hotkey, block })
    expect(at('a', 0) && at('b', 100)).toBe(true)
    expect([at('c', 109), at('c', 110), at('h', 109), at('h', 110)]).toEqual([false, true, false, true])
    expect(at('stranger', 10_000)).toBe(false)
  })

  it('holds every holder the walk yields, for any statuses and head (so no view refuses a legit take-over)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 15 }),
        fc.dictionary(fc.constantFrom(...ranking), fc.integer({ min: 90, max: 250 })),
        fc.integer({ min: 100, max: 300 }),
        (r, silenceBlocks, statuses, head) => {
          const input = { ranking, r, since: 100, silenceBlocks }
          const taken = takeOverCandidates({ ...input, head, lastStatusBlock: new Map(Object.entries(statuses)) })
          for (const t of taken) {
            // A holder reports from when it inherited the slot.
            expect(mayHoldSlot({ ...input, hotkey: t.hotkey, block: t.since }), `${t.hotkey} at ${t.since}`).toBe(true)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
