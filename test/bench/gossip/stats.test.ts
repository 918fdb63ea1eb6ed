import { describe, expect, it } from 'vitest'
import type { PeerReport } from './load.js'
import { decodeStamp, encodeStamp } from './stamp.js'
import { summarizeCase, unsustainedReason } from './stats.js'

// Pure helpers of the gossip bench; nothing here times anything.

function report(receipts: [publisher: number, seq: number, latencyMs: number][], cpuUs = 1000): PeerReport {
  return {
    published: 2,
    publishErrors: 0,
    lagP99Ms: 0.5,
    invalid: 0,
    cpuUs,
    receipts: {
      publisher: receipts.map((r) => r[0]),
      seq: receipts.map((r) => r[1]),
      latencyMs: receipts.map((r) => r[2]),
      duplicates: 0,
    },
  }
}

describe('gossip bench helpers', () => {
  it('a stamp survives the job id round trip; foreign job ids are not stamps', () => {
    const s = { sentNs: 123_456_789_012_345n, caseId: 7, publisher: 5, seq: 70_000 }
    expect(decodeStamp(encodeStamp(s))).toEqual(s)
    expect(decodeStamp(new Uint8Array(32).fill(1))).toBeUndefined()
    expect(decodeStamp(new Uint8Array(31))).toBeUndefined()
  })

  it('latency is time to the last receiver; a message missing anywhere only lowers delivery', () => {
    // 3 nodes × 2 messages each; every message should reach the 2 other nodes (12 copies).
    const reports = [
      report([
        [1, 0, 2],
        [1, 1, 3],
        [2, 0, 1],
        [2, 1, 9],
      ]),
      report([
        [0, 0, 5],
        [0, 1, 1],
        [2, 0, 4],
        [2, 1, 2],
      ]),
      // Node 2 never got message (0, 1).
      report([
        [0, 0, 1],
        [1, 0, 6],
        [1, 1, 2],
      ]),
    ]
    const s = summarizeCase({ rate: 30, perNode: 2, reports })
    expect(s.messages).toBe(6)
    expect(s.delivery).toBeCloseTo(11 / 12)
    // Complete messages' slowest copies: (0,0) 5, (1,0) 6, (1,1) 3, (2,0) 4, (2,1) 9.
    expect(s.p50Ms).toBe(5)
    expect(s.p99Ms).toBe(9)
    expect(s.cpuUsPerMsg).toBeCloseTo((1000 / 6 + 1000 / 6 + 1000 / 5) / 3)
    expect(s.totalCpuUsPerMsg).toBeCloseTo(3000 / 6)
    expect(unsustainedReason(s)).toMatch(/^delivery/)
  })

  it('hub CPU is billed to the total; a clean case is sustained', () => {
    const all = (me: number) =>
      report(
        [0, 1, 2]
          .filter((p) => p !== me)
          .flatMap((p) => [
            [p, 0, 1],
            [p, 1, 2],
          ]) as [number, number, number][],
      )
    const s = summarizeCase({ rate: 30, perNode: 2, reports: [all(0), all(1), all(2)], hubCpuUs: 600 })
    expect(s.delivery).toBe(1)
    expect(s.totalCpuUsPerMsg).toBeCloseTo(3600 / 6)
    expect(unsustainedReason(s)).toBeUndefined()
    expect(unsustainedReason({ ...s, p99Ms: 250 })).toMatch(/^p99/)
  })
})
