import { describe, expect, it } from 'vitest'
import { defaultSimConfig } from './config.js'
import { MAX_CONNECTIONS } from './constants.js'
import { SimError } from './errors.js'
import { FAKE_COSTS } from './fake-costs.js'
import {
  arrivalDiffCdf,
  duplicatesPerMessage,
  gossipTraffic,
  messagesPerCycle,
  simulateCycle,
  statusesPerJob,
} from './mesh-scale.js'

describe('message counts', () => {
  it('match a tiny config counted by hand', () => {
    // 2 jobs × 2 replicas; a job of 2 episodes of 3 blocks (6 blocks): RUNNING, one at block 5, DONE = 3.
    const c = defaultSimConfig({
      validators: 4,
      miners: 2,
      tasks: 1,
      episodesPerTask: 2,
      replicas: 2,
      episodeSeconds: 36,
    })
    expect(statusesPerJob(c)).toBe(3)
    expect(messagesPerCycle(c)).toEqual({
      'peer-record': (4 * 360) / 3600,
      'competition-manifest': 0,
      'job-announcement': 4,
      'job-status': 12,
      result: 4,
      'weights-announcement': 4,
    })
  })

  it('send a RUNNING every STATUS_INTERVAL_BLOCKS of job time, however many episodes finish', () => {
    // 150 episodes of 10 s = 125 blocks: RUNNING at 0, then at 5, 10, …, 120 (24), DONE.
    expect(statusesPerJob(defaultSimConfig({ tasks: 3, episodesPerTask: 50, episodeSeconds: 10 }))).toBe(2 + 24)
    // A job shorter than the interval: RUNNING and DONE only.
    expect(statusesPerJob(defaultSimConfig({ tasks: 1, episodesPerTask: 4, episodeSeconds: 12 }))).toBe(2)
    // Exactly 10 blocks: the status due at 10 is the DONE.
    expect(statusesPerJob(defaultSimConfig({ tasks: 1, episodesPerTask: 2, episodeSeconds: 60 }))).toBe(2 + 1)
  })
})

describe('duplicates', () => {
  it('arrivalDiffCdf is a distribution symmetric around 0', () => {
    expect(arrivalDiffCdf(-2, 1)).toBe(0)
    expect(arrivalDiffCdf(2, 1)).toBe(1)
    expect(arrivalDiffCdf(0, 1)).toBeCloseTo(0.5)
    expect(arrivalDiffCdf(0.3, 1) + arrivalDiffCdf(-0.3, 1)).toBeCloseTo(1)
    expect(arrivalDiffCdf(0.3, 1)).toBeGreaterThan(arrivalDiffCdf(0.1, 1))
  })

  it('every mesh edge but the source carries a copy when latency beats validation', () => {
    const c = defaultSimConfig({ validators: 9, meshDegree: 4, latencyMs: 40 })
    // 4 mesh peers, the source is one of 8 peers: 4 × 7/8 eligible, all forwarded.
    expect(duplicatesPerMessage(c, 1000, 0.001, 0)).toBeCloseTo(3.5)
  })

  it('IDONTWANT removes duplicates of large payloads when it arrives before the forward', () => {
    const c = defaultSimConfig({ validators: 9, meshDegree: 4, latencyMs: 0.05 })
    expect(duplicatesPerMessage(c, 1000, 0.001, 0)).toBe(0)
    // Small payloads get no IDONTWANT: only the mutual-forward race removes copies.
    expect(duplicatesPerMessage(c, 100, 0.001, 0)).toBeCloseTo(3.5)
  })
})

describe('gossipTraffic', () => {
  it('counts a 3-node mesh by hand', () => {
    const c = defaultSimConfig({ validators: 3, meshDegree: 2, latencyMs: 1000, replicas: 1 })
    // One 1000-byte message per node; flood to both peers; each node forwards to the 1 mesh peer that is
    // not the source, so it also receives one duplicate per message from others.
    const t = gossipTraffic(c, { topic: 't', count: 3, bytes: 1000, delaySeconds: 0.001 }, 10, (b) => b)
    expect(t.duplicates).toBeCloseTo(1)
    expect(t.copiesIn).toBeCloseTo(2 * 2)
    expect(t.copiesOut).toBeCloseTo(1 * 2 + 2 * 1)
    expect(t.idontwants).toBeCloseTo(2)
    expect(t.ihaveIds).toBe(0)
  })

  it('conserves copies: on average a node sends as many as it receives', () => {
    const c = defaultSimConfig({ validators: 50 })
    const t = gossipTraffic(c, { topic: 't', count: 1000, bytes: 2000, delaySeconds: 0.001 }, 100)
    expect(t.copiesOut).toBeCloseTo(t.copiesIn)
  })

  it('gossips ids to max(Dlazy, 0.25 × non-mesh peers) peers for 3 heartbeats', () => {
    const c = defaultSimConfig({ validators: 107, meshDegree: 6 })
    // 106 peers, 100 outside the mesh: 25 gossip peers.
    const t = gossipTraffic(c, { topic: 't', count: 10, bytes: 200, delaySeconds: 0 }, 100)
    expect(t.ihaveIds).toBe(10 * 3 * 25)
  })
})

describe('simulateCycle', () => {
  const at = (o: Parameters<typeof defaultSimConfig>[0]) => simulateCycle(defaultSimConfig(o), FAKE_COSTS)

  it('grows with validators, miners and tasks', () => {
    for (const [a, b] of [
      [16, 64],
      [64, 128],
      [128, 190],
    ] as const) {
      const x = at({ validators: a })
      const y = at({ validators: b })
      expect(y.node.bytesIn.total, `bytes V ${a}→${b}`).toBeGreaterThan(x.node.bytesIn.total)
      expect(y.node.cpuSeconds.total, `cpu V ${a}→${b}`).toBeGreaterThan(x.node.cpuSeconds.total)
    }
    for (const [a, b] of [
      [64, 256],
      [256, 1024],
    ] as const) {
      const x = at({ miners: a })
      const y = at({ miners: b })
      expect(y.totalMessages, `messages M ${a}→${b}`).toBeGreaterThan(x.totalMessages)
      expect(y.node.cpuSeconds.validate, `verify M ${a}→${b}`).toBeGreaterThan(x.node.cpuSeconds.validate)
    }
    expect(at({ tasks: 10 }).messages['job-status']).toBeGreaterThan(at({ tasks: 1 }).messages['job-status'])
  })

  it('re-fetches (every + overlap) ÷ every times all traffic in catch-up', () => {
    const f = at({ validators: 32 })
    expect(f.node.catchUpItems).toBeCloseTo((f.totalMessages * (30 + 50)) / 30)
    expect(at({ validators: 32, syncOverlapBlocks: 0 }).node.catchUpItems).toBeCloseTo(f.totalMessages)
  })

  it('validates only what the node missed in catch-up; the held rest costs a lookup', () => {
    const none = at({ validators: 32, catchUpMissFraction: 0 })
    const all = at({ validators: 32, catchUpMissFraction: 1 })
    expect(none.node.cpuSeconds.catchUp).toBeLessThan(all.node.cpuSeconds.catchUp)
    expect(all.node.storeWrites - none.node.storeWrites).toBeCloseTo(none.node.catchUpItems)
    expect(() => at({ catchUpMissFraction: 1.5 })).toThrow(SimError)
  })

  it('names the connection cap as the limit past MAX_CONNECTIONS peers', () => {
    expect(at({ validators: MAX_CONNECTIONS + 1 }).utilization.connections).toBe(1)
    expect(at({ validators: 2 * MAX_CONNECTIONS }).limit).toBe('connections')
    expect(at({ validators: 16 }).limit).not.toBe('connections')
  })

  it('sizes the jobs queue from the metagraph, so a cycle burst never fills it', () => {
    for (const miners of [64, 1366, 10_000]) expect(at({ miners }).utilization.jobsBurst).toBeLessThanOrEqual(0.5)
  })

  it('refuses a bad config with SIM_BAD_CONFIG', () => {
    expect(() => defaultSimConfig({ validators: 1 })).toThrow(SimError)
    try {
      defaultSimConfig({ miners: 2.5 })
      expect.unreachable()
    } catch (err) {
      expect((err as SimError).code).toBe('SIM_BAD_CONFIG')
      expect((err as SimError).meta).toMatchObject({ field: 'miners' })
    }
  })
})
