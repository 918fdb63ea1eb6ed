import { describe, expect, it } from 'vitest'
import { cycleOf, cycleStartBlock, JobsError, takeOverCandidates } from '../../../src/jobs/index.js'

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
