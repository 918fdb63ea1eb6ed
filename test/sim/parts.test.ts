import { describe, expect, it } from 'vitest'
import { topicOfType, validateGossip } from '#protocol'
import { compareWithRun, transportUsPerRpc } from './compare.js'
import { MAX_CONNECTIONS } from './constants.js'
import { FAKE_COSTS } from './fake-costs.js'
import { buildFixtures, fixtureKeys, SIM_TYPES } from './fixtures.js'
import { markdownTable } from './markdown.js'
import type { MeasuredTraffic } from './real-mesh.js'
import { firstLimits, runSweep, SWEEP_MINERS, SWEEP_TASKS, SWEEP_VALIDATORS, sweepRow } from './sweep.js'
import { idontwantRpcBytes, ihaveRpcBytes, messageRpcBytes, onWireBytes } from './wire.js'

describe('fixtures', () => {
  it('are valid gossip of every type, and results grow with tasks × episodes', async () => {
    const keys = await fixtureKeys()
    const small = buildFixtures(keys, { tasks: 1, episodesPerTask: 5, uids: 256 })
    for (const t of SIM_TYPES) {
      expect(() => validateGossip(topicOfType(t), small.envelopes[t], small.context), t).not.toThrow()
    }
    const big = buildFixtures(keys, { tasks: 3, episodesPerTask: 5, uids: 256 })
    expect(big.envelopes.result.length).toBeGreaterThan(2.5 * small.envelopes.result.length - 1000)
    // 256 uids × 2 bytes × (uid + weight) dominate the weights announcement.
    expect(small.envelopes['weights-announcement'].length).toBeGreaterThan(1024)
  })
})

describe('wire', () => {
  it('sizes RPCs with gossipsub’s codec and adds the stack’s framing', () => {
    expect(messageRpcBytes('/kinitro/7/results/1', 1000)).toBeGreaterThan(1000 + 20)
    expect(ihaveRpcBytes('/kinitro/7/status/1', 10) - ihaveRpcBytes('/kinitro/7/status/1', 9)).toBe(34)
    expect(idontwantRpcBytes()).toBeGreaterThan(32)
    // length prefix + yamux 12 + one Noise frame 18 + one TCP/IP header 40.
    expect(onWireBytes(100)).toBe(100 + 1 + 12 + 18 + 40)
    expect(onWireBytes(3000)).toBeGreaterThan(3000 + 3 * 40)
  })
})

const run: MeasuredTraffic = {
  nodes: 8,
  meshPeers: 6,
  connections: 7,
  results: { copiesIn: 700, copiesOut: 700, bytesIn: 800_000, bytesOut: 800_000 },
  statuses: { copiesIn: 3000, copiesOut: 3000, bytesIn: 600_000, bytesOut: 600_000 },
  ihaveIdsIn: 500,
  ihaveRpcsIn: 100,
  idontwantIdsIn: 4000,
  iwantIdsIn: 0,
  controlBytesIn: 200_000,
  cpuUs: 10_000_000,
  rpcs: 20_000,
  perNode: 100,
  resultBytes: 1100,
  statusBytes: 160,
  seconds: 15,
}

describe('compare', () => {
  it('reports model and measurement per figure with the relative error', () => {
    const rows = compareWithRun(run, FAKE_COSTS)
    const flood = rows.find((r) => r.figure === 'result copies in')
    // Raw loopback latency: IDONTWANT always wins, so the model predicts exactly the 700 distinct results.
    expect(flood?.modelRawLatency).toBeCloseTo(700)
    expect(flood?.errorRawLatencyPct).toBe(0)
    // In-process latency ≈ the forward delay: half the eligible mesh edges (6 × 6/7) carry a duplicate.
    expect(flood?.model).toBeCloseTo(700 * (1 + 0.5 * 6 * (6 / 7)), 0)
    expect(rows.map((r) => r.figure)).toContain('IHAVE ids in')
  })

  it('takes validation out of the measured CPU before dividing by RPCs', () => {
    const validation = 8 * 7 * 100 * (900 + 170)
    expect(transportUsPerRpc(run, FAKE_COSTS)).toBeCloseTo((10_000_000 - validation) / 20_000)
  })
})

describe('sweep', () => {
  it('covers the brief’s grid; connections bind only past MAX_CONNECTIONS and the jobs queue never', () => {
    const figures = runSweep(() => FAKE_COSTS)
    expect(figures).toHaveLength(SWEEP_VALIDATORS.length * SWEEP_MINERS.length * SWEEP_TASKS.length)
    expect(Object.keys(sweepRow(figures[0]!))).toContain('limit')
    const limits = firstLimits(() => FAKE_COSTS)
    const v = limits.find((l) => l.grow === 'validators' && l.tasks === 1)
    expect(v).toMatchObject({ at: MAX_CONNECTIONS + 1, resource: 'connections' })
    // At V = 256 the cap holds every peer, and the jobs queue grows with the metagraph (it was a fixed
    // 4096, full at M = 1366 with 3 replicas): what binds as M grows is a budget, not a queue or a cap.
    const m = limits.find((l) => l.grow === 'miners' && l.tasks === 1)
    expect(m?.at).toBeGreaterThan(1366)
    expect(['connections', 'jobsBurst']).not.toContain(m?.resource)
  })

  it('renders rows as a markdown table', () => {
    expect(
      markdownTable([
        { a: 1, b: 'x|y' },
        { a: 2, c: 3 },
      ]),
    ).toBe('| a | b | c |\n| --- | --- | --- |\n| 1 | x\\|y |  |\n| 2 |  | 3 |')
  })
})
