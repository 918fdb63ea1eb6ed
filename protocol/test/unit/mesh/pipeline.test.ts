import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { OpenedMessage } from '../../../src/envelope/envelope.js'
import { silentLogger } from '../../../src/logger.js'
import { getMetrics } from '../../../src/mesh/metrics.js'
import { createValidationPipeline, type GossipItem } from '../../../src/mesh/pipeline.js'
import type { GossipResult } from '../../../src/mesh/validate.js'
import { verdictOf } from '../../../src/mesh/validate.js'
import { ValidationError } from '../../../src/validation/errors.js'
import { counterValue, waitFor } from './fixtures.js'

const item = (n: number): GossipItem => ({ topic: 'status', data: new Uint8Array([n]), msgId: `m${n}`, from: 'p' })
const fakeOpened = (data: Uint8Array) => ({ type: 'job-status', id: data }) as unknown as OpenedMessage

describe('validation pipeline', () => {
  it('maps verdicts: ValidationError carries its action, anything else is ignore/internal', () => {
    expect(verdictOf(new ValidationError('MESH_BAD_SIGNATURE'))).toEqual({
      result: 'reject',
      code: 'MESH_BAD_SIGNATURE',
    })
    expect(verdictOf(new ValidationError('MESH_STALE'))).toEqual({ result: 'ignore', code: 'MESH_STALE' })
    expect(verdictOf(new Error('bug'))).toEqual({ result: 'ignore', code: 'internal' })
  })

  it('bounds each topic queue, drops the oldest as Ignore, and reports Accept only after onAccepted resolves', async () => {
    const metrics = getMetrics(new Registry())
    const reports: [string, GossipResult][] = []
    const stored: string[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const pipeline = createValidationPipeline({
      validate: (_t, data) => {
        if (data[0] === 3) throw new ValidationError('MESH_BAD_SIGNATURE')
        return fakeOpened(data)
      },
      semantics: (m) => {
        if ((m.id as Uint8Array)[0] === 4) throw new ValidationError('MESH_JOB_ID_MISMATCH')
      },
      onAccepted: async (msg) => {
        await gate
        stored.push(String(msg.bytes[0]))
      },
      report: (id, _from, result) => reports.push([id, result]),
      queues: { status: { maxLength: 4, order: 'fifo', concurrency: 8 } },
      logger: silentLogger,
      metrics,
    })
    pipeline.start()
    const dropped = [1, 2, 3, 4, 5].map((n) => pipeline.push(item(n)))
    expect(dropped).toEqual([0, 0, 0, 0, 1])
    expect(reports).toEqual([['m1', 'ignore']])
    await waitFor(() => reports.length === 3, 'rejects reported')
    expect(reports.slice(1).sort()).toEqual([
      ['m3', 'reject'],
      ['m4', 'reject'],
    ])
    expect(stored, 'nothing stored before onAccepted resolves').toEqual([])
    release()
    await waitFor(() => reports.length === 5, 'accepts reported')
    expect(stored.sort()).toEqual(['2', '5'])
    expect(reports.slice(3).map(([, r]) => r)).toEqual(['accept', 'accept'])
    expect(await counterValue(metrics.queueDroppedTotal, { topic: 'status' })).toBe(1)
    expect(await counterValue(metrics.validationErrorTotal, { code: 'MESH_JOB_ID_MISMATCH' })).toBe(1)
    pipeline.stop()
    pipeline.push(item(9))
    expect(reports.at(-1)).toEqual(['m9', 'ignore'])
  })

  it('reads a queue length given as a function on every push, so the queue can grow with what it must hold', () => {
    let max = 2
    const reports: [string, GossipResult][] = []
    const pipeline = createValidationPipeline({
      validate: (_t, data) => fakeOpened(data),
      onAccepted: () => {},
      report: (id, _from, result) => reports.push([id, result]),
      queues: { status: { maxLength: () => max, order: 'fifo', concurrency: 1 } },
      logger: silentLogger,
    })
    pipeline.start()
    // Pushed synchronously: nothing is validated yet, so the queue holds everything pushed.
    expect([1, 2, 3].map((n) => pipeline.push(item(n)))).toEqual([0, 0, 1])
    expect(reports).toEqual([['m1', 'ignore']])
    max = 4
    expect([4, 5, 6].map((n) => pipeline.push(item(n)))).toEqual([0, 0, 1])
    expect(pipeline.size('status')).toBe(4)
    expect(reports).toEqual([
      ['m1', 'ignore'],
      ['m2', 'ignore'],
    ])
    pipeline.stop()
  })

  it('drops what one peer delivers past its rate before validating it; other peers are not affected', async () => {
    const metrics = getMetrics(new Registry())
    const validated: string[] = []
    const reports: [string, GossipResult][] = []
    const pipeline = createValidationPipeline({
      validate: (_t, data) => {
        validated.push(String(data[0]))
        return fakeOpened(data)
      },
      onAccepted: () => {},
      report: (id, _from, result) => reports.push([id, result]),
      // A burst of 3 and a refill too slow to matter within the test.
      peerRate: { burst: 3, perSecond: 0.001 },
      logger: silentLogger,
      metrics,
    })
    pipeline.start()
    for (const n of [1, 2, 3, 4, 5]) pipeline.push(item(n))
    pipeline.push({ ...item(6), from: 'other-peer' })
    expect(reports).toEqual([
      ['m4', 'ignore'],
      ['m5', 'ignore'],
    ])
    await waitFor(() => reports.length === 6, 'the rest validated')
    expect(validated.sort()).toEqual(['1', '2', '3', '6'])
    expect(await counterValue(metrics.validationErrorTotal, { code: 'MESH_RATE_LIMITED' })).toBe(2)
    pipeline.stop()
  })
})
