import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseMinerList } from '../../../cli/devnet/miner-list.js'
import { byLoad, parseCases, timeoutFor } from './cases.js'
import { mergeWithPrevious } from './merge.js'
import { ProcSampler, parseStat, processTree } from './proc.js'
import { parseNodeLog, stageBreakdown } from './stages.js'
import { blockTime, firstUpdateAfter, minerLatencies, usageByKind } from './stats.js'

describe('devnet --miners name*N', () => {
  it('expands counts in commit order and refuses bad parts', () => {
    expect(parseMinerList('expert,random*3')).toEqual(['expert', 'random', 'random', 'random'])
    expect(parseMinerList('random,mediocre,expert')).toEqual(['random', 'mediocre', 'expert'])
    expect(parseMinerList('random*200')).toHaveLength(200)
    expect(() => parseMinerList('random*0')).toThrow(/at least 1/u)
    expect(() => parseMinerList('random*x')).toThrow(/name\*count/u)
    expect(() => parseMinerList('random*241')).toThrow(/at most 240/u)
  })
})

describe('/proc sampling', () => {
  it('parses a stat line whose command holds spaces and parentheses', () => {
    // Fields after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime … rss(24)
    const line =
      '4242 (node (worker) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 11 0 500 999999 2560 rest'
    expect(parseStat(line)).toEqual({
      pid: 4242,
      ppid: 17,
      cpuSec: 3,
      childCpuSec: 0.5,
      rssBytes: 2560 * 4096,
      startTicks: 500,
    })
  })

  it('finds a child in the tree and keeps its CPU and peak RSS after a busy loop', async () => {
    const child = spawn(process.execPath, ['-e', 'const t=Date.now();while(Date.now()-t<600);setTimeout(()=>{},5000)'])
    try {
      await new Promise((r) => setTimeout(r, 900))
      const pids = processTree(process.pid).map((p) => p.pid)
      expect(pids).toContain(child.pid)
      const sampler = new ProcSampler(process.pid)
      sampler.name(child.pid as number, 'validator-0')
      sampler.sample()
      const v = sampler.usage().find((u) => u.pid === child.pid)
      expect(v?.kind).toBe('validator')
      expect(v?.cpuSec).toBeGreaterThan(0.3)
      expect(v?.peakRssBytes).toBeGreaterThan(10 * 2 ** 20)
      expect(sampler.usage().find((u) => u.pid === process.pid)?.kind).toBe('devnet')
      expect(sampler.alive()).toContain(child.pid)
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
      expect(sampler.alive()).not.toContain(child.pid)
    } finally {
      child.kill('SIGKILL')
    }
  })
})

describe('latency figures', () => {
  const clock = [
    { block: 100, at: 10_000 },
    { block: 104, at: 11_000 },
    { block: 108, at: 12_000 },
  ]

  it('dates blocks by interpolating the head samples, extrapolating at the block time past them', () => {
    expect(blockTime(clock, 102, 250)).toBe(10_500)
    expect(blockTime(clock, 90, 250)).toBe(10_000)
    expect(blockTime(clock, 112, 250)).toBe(13_000)
    expect(blockTime([], 1, 250)).toBeNaN()
  })

  it('takes the first weights update strictly after the result', () => {
    expect(firstUpdateAfter([120, 104, 108], 104)).toBe(108)
    expect(firstUpdateAfter([100], 104)).toBeUndefined()
  })

  it('reports median and p90 over the miners that got a result, and counts the rest out', () => {
    const traces = [
      { hotkey: 'a', commitBlock: 90, commitAt: 9_000, firstResultBlock: 104, weightsBlock: 108, nonZeroBlock: 108 },
      { hotkey: 'b', commitBlock: 91, commitAt: 9_500, firstResultBlock: 108 },
      { hotkey: 'c', commitBlock: 92, commitAt: 9_600 },
    ]
    const lat = minerLatencies(traces, clock, 250)
    expect(lat.toResult.n).toBe(2)
    expect(lat.toResult.medianBlocks).toBe(15.5)
    expect(lat.toResult.medianSec).toBe(2.25)
    expect(lat.toWeights).toMatchObject({ n: 1, medianBlocks: 18, medianSec: 3 })
    expect(lat.toNonZero).toMatchObject({ n: 1, medianBlocks: 18, medianSec: 3 })
    expect(lat.nonZeroWeight).toBe(1)
  })

  it('folds processes by kind, validators with their reaped children', () => {
    const mk = (kind: 'validator' | 'indexer', cpuSec: number, childCpuSec: number, mib: number) => ({
      pid: cpuSec,
      kind,
      name: kind,
      cpuSec,
      childCpuSec,
      peakRssBytes: mib * 2 ** 20,
    })
    const byKind = usageByKind([mk('validator', 10, 5, 200), mk('validator', 20, 1, 300), mk('indexer', 4, 0, 150)])
    expect(byKind).toEqual([
      { kind: 'validator', processes: 2, medianCpuSec: 18, totalCpuSec: 36, medianPeakRssMiB: 250 },
      { kind: 'indexer', processes: 1, medianCpuSec: 4, totalCpuSec: 4, medianPeakRssMiB: 150 },
    ])
  })
})

describe('stage breakdown', () => {
  it('splits a job into plan, queue wait, evaluation (fetch, episodes, rest), ingest and weights', () => {
    const t = (ms: number) => new Date(ms).toISOString()
    const log = [
      JSON.stringify({ time: t(9_000), msg: 'node started' }),
      JSON.stringify({ time: t(10_000), msg: 'job queued', job: 'aaaaaaaaaaaaaaaa' }),
      'not json: a stack trace line',
      JSON.stringify({ time: t(10_500), msg: 'artifact fetched', ms: 40 }),
      JSON.stringify({ time: t(12_400), msg: 'job evaluated', job: 'aaaaaaaaaaaaaaaa' }),
    ].join('\n')
    const parsed = parseNodeLog(log)
    expect(parsed.queued.get('aaaaaaaaaaaaaaaa')).toBe(10_000)
    const rows = stageBreakdown({
      logs: [parsed],
      results: [
        {
          jobId: `${'a'.repeat(16)}${'0'.repeat(48)}`,
          validatorLog: 0,
          minerHotkey: 'm',
          block: 109,
          startedAtBlock: 102,
          seenAt: 12_900,
          episodesMs: 1_200,
        },
      ],
      commitAt: new Map([['m', 8_000]]),
      updates: [112],
      clock: [
        { block: 100, at: 10_000 },
        { block: 120, at: 15_000 },
      ],
      blockMs: 250,
    })
    const sec = new Map(rows.map((r) => [r.stage.split(' (')[0]?.trim(), r.medianSec]))
    expect(sec.get("commit → its validator's node started")).toBe(1)
    expect(sec.get('node started → job queued')).toBe(1)
    expect(sec.get('job queued → evaluation started')).toBe(0.5)
    expect(sec.get('evaluation started → result stored')).toBe(1.9)
    expect(sec.get('of which: artifact fetch')).toBe(0.04)
    expect(sec.get('of which: episodes')).toBe(1.2)
    expect(sec.get('of which: policy start/stop + scheduling')).toBeCloseTo(0.7)
    expect(sec.get('result stored → seen at indexer')).toBe(0.5)
    expect(sec.get('result stored → next weights update on chain')).toBe(0.6)
  })
})

describe('case matrix', () => {
  it('runs lightest first and bounds every case', () => {
    const all = byLoad(parseCases(undefined))
    expect(all).toHaveLength(9)
    expect(all[0]).toEqual({ validators: 3, miners: 10 })
    expect(all[8]).toEqual({ validators: 8, miners: 200 })
    expect(parseCases('5x50')).toEqual([{ validators: 5, miners: 50 }])
    expect(() => parseCases('5by50')).toThrow(/validators/u)
    expect(timeoutFor(8, 200, 20)).toBe(1200)
    expect(timeoutFor(3, 10, 20)).toBeLessThan(1200)
  })
})

describe('a partial rerun (DEVNET_SCALE_CASES)', () => {
  const row = (v: number, m: number, p50: number) => ({ case: `${v}v × ${m}m`, validators: v, miners: m, p50 })
  const plot = (points: Record<string, Array<[number, number]>>) => ({
    file: 'devnet-scale-first-result',
    title: 't',
    x: 'miners',
    series: Object.entries(points).map(([name, p]) => ({ name, points: p })),
  })

  it('replaces the rerun cases and keeps the others, rows and plot points, with a note', () => {
    const prev = {
      date: '2026-11-26T08:06:36.024Z',
      rows: [row(3, 10, 16), row(8, 10, 46), row(8, 200, 205)],
      plots: [
        plot({
          '3 validators': [[10, 16]],
          '8 validators': [
            [10, 46],
            [200, 205],
          ],
        }),
      ],
    }
    const out = mergeWithPrevious(
      {
        rows: [row(3, 10, 17), row(8, 200, 190)],
        plots: [plot({ '3 validators': [[10, 17]], '8 validators': [[200, 190]] })],
      },
      prev,
    )
    expect(out.rows.map((r) => [r.case, r.p50])).toEqual([
      ['3v × 10m', 17],
      ['8v × 10m', 46],
      ['8v × 200m', 190],
    ])
    expect(out.plots?.[0]?.series).toEqual([
      { name: '3 validators', points: [[10, 17]] },
      {
        name: '8 validators',
        points: [
          [10, 46],
          [200, 190],
        ],
      },
    ])
    expect(out.notes?.at(-1)).toContain('8v × 10m')
    expect(out.notes?.at(-1)).toContain(prev.date)
  })

  it('is the run itself when nothing earlier exists or every case was rerun', () => {
    const out = { rows: [row(3, 10, 17)] }
    expect(mergeWithPrevious(out, undefined)).toBe(out)
    expect(mergeWithPrevious(out, { date: 'd', rows: [row(3, 10, 16)] })).toBe(out)
  })
})
