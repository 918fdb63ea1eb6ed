import { describe, expect, it } from 'vitest'
import { MAX_SYNC_FRAME_BYTES, MAX_SYNC_ITEMS } from '../../../src/constants.js'
import { decodeSyncFrame, encodeSyncFrame } from '../../../src/messages/sync.js'
import { ValidationError, type ValidationErrorCode } from '../../../src/validation/errors.js'

function code(fn: () => unknown): ValidationErrorCode | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof ValidationError) return err.code
    throw err
  }
  return undefined
}

const id = () => new Uint8Array(32).fill(5)

describe('sync frames', () => {
  it('round-trip every kind', () => {
    const frames = {
      'status-request': {},
      'status-response': { netuid: 7, headBlock: 100, oldestBlock: 10, messageCount: 5 },
      'range-request': { topic: 'results', fromBlock: 10, toBlock: 20, cursor: Uint8Array.of(1), limit: 256 },
      'range-response': { envelopes: [Uint8Array.of(1, 2)], nextCursor: new Uint8Array(0) },
      'by-id-request': { ids: [id(), id()] },
      'by-id-response': { envelopes: [Uint8Array.of(9)] },
    } as const
    for (const [kind, frame] of Object.entries(frames)) {
      const k = kind as keyof typeof frames
      expect(decodeSyncFrame(k, encodeSyncFrame(k, frame)), kind).toEqual(frame)
    }
  })

  it('enforce bounds on both sides', () => {
    const range = { topic: 'results', fromBlock: 10, toBlock: 20, cursor: new Uint8Array(0), limit: 10 }
    expect(code(() => encodeSyncFrame('range-request', { ...range, topic: 'nope' }))).toBe('MESH_FIELD_INVALID')
    expect(code(() => encodeSyncFrame('range-request', { ...range, fromBlock: 21 }))).toBe('MESH_FIELD_INVALID')
    expect(code(() => encodeSyncFrame('range-request', { ...range, limit: MAX_SYNC_ITEMS + 1 }))).toBe(
      'MESH_FIELD_INVALID',
    )
    expect(code(() => encodeSyncFrame('range-request', { ...range, limit: 0 }))).toBe('MESH_FIELD_INVALID')
    expect(code(() => encodeSyncFrame('by-id-request', { ids: [] }))).toBe('MESH_FIELD_INVALID')
    expect(code(() => encodeSyncFrame('by-id-request', { ids: [new Uint8Array(31)] }))).toBe('MESH_FIELD_INVALID')
    const tooMany = Array.from({ length: MAX_SYNC_ITEMS + 1 }, () => Uint8Array.of(1))
    expect(code(() => encodeSyncFrame('by-id-response', { envelopes: tooMany }))).toBe('MESH_FIELD_INVALID')
    expect(
      code(() => encodeSyncFrame('status-response', { netuid: 7, headBlock: 1, oldestBlock: 2, messageCount: 0 })),
    ).toBe('MESH_FIELD_INVALID')
    // Hand-encoded request with 257 ids: the decoder's collection limit fires before validation.
    const ids = Array.from({ length: MAX_SYNC_ITEMS + 1 }, () => [0x0a, 32, ...id()]).flat()
    expect(code(() => decodeSyncFrame('by-id-request', Uint8Array.from(ids)))).toBe('MESH_MALFORMED')
  })

  it('check size before parsing, and canonical form', () => {
    const big = new Uint8Array(MAX_SYNC_FRAME_BYTES['range-request'] + 1)
    expect(code(() => decodeSyncFrame('range-request', big))).toBe('MESH_TOO_LARGE')
    const ok = encodeSyncFrame('status-response', { netuid: 7, headBlock: 2, oldestBlock: 1, messageCount: 0 })
    expect(code(() => decodeSyncFrame('status-response', Uint8Array.of(...ok, 0x08, 0x07)))).toBe('MESH_NON_CANONICAL')
    expect(code(() => decodeSyncFrame('status-request', Uint8Array.of(0xff)))).toBe('MESH_MALFORMED')
  })
})
