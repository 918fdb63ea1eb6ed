import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  fiberQuantize,
  normalizeWeights,
  ScoringError,
  subtensorMaxUpscale,
  toSubtensorU16,
  weightsToU16Truncate,
} from '../../../src/scoring/index.js'

const weightsArb = fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 40 })
const asMap = (ws: number[]) => new Map(ws.map((w, i) => [i, w]))

function codeOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err instanceof ScoringError ? err.code : err
  }
  return 'no error'
}

describe('weightsToU16Truncate (reference NEW)', () => {
  it('truncates, so the sum falls short of 65535', () => {
    // 0.5·65535 = 32767.5 → 32767; 0.25·65535 = 16383.75 → 16383 (twice): 65533.
    const out = weightsToU16Truncate(
      new Map([
        [0, 0.5],
        [1, 0.25],
        [2, 0.25],
      ]),
    )
    expect(out).toEqual({ uids: [0, 1, 2], values: [32767, 16383, 16383] })
    expect(out.values.reduce((a, b) => a + b)).toBe(65533)
  })

  it('renormalises first, and spreads evenly when all are zero', () => {
    expect(
      weightsToU16Truncate(
        new Map([
          [3, 2],
          [1, 2],
        ]),
      ),
    ).toEqual({ uids: [1, 3], values: [32767, 32767] })
    expect(
      weightsToU16Truncate(
        new Map([
          [0, 0],
          [1, 0],
          [2, 0],
        ]),
      ).values,
    ).toEqual([21845, 21845, 21845])
  })

  it('keeps lengths, bounds and a sum in (65535 − n, 65535]', () => {
    fc.assert(
      fc.property(weightsArb, (ws) => {
        const out = weightsToU16Truncate(asMap(ws))
        expect(out.values).toHaveLength(ws.length)
        for (const v of out.values) expect(Number.isInteger(v) && v >= 0 && v <= 65535).toBe(true)
        const sum = out.values.reduce((a, b) => a + b, 0)
        expect(sum).toBeLessThanOrEqual(65535)
        expect(sum).toBeGreaterThan(65535 - ws.length - 1)
      }),
    )
  })
})

describe('fiberQuantize (reference OLD validator)', () => {
  it('max-upscales, rounds half to even and drops zeros', () => {
    // scale = 65535 / 65535 = 1; 32766.5 → 32766 (Math.round would give 32767).
    expect(fiberQuantize([0, 1, 2], [65535, 32766.5, 0])).toEqual({ uids: [0, 1], values: [65535, 32766] })
    expect(fiberQuantize([5, 6], [0.98, 0.020000000000000018])).toEqual({ uids: [5, 6], values: [65535, 1337] })
  })

  it('gives nothing for all zeros and refuses negative or mismatched input', () => {
    expect(fiberQuantize([0, 1], [0, 0])).toEqual({ uids: [], values: [] })
    expect(codeOf(() => fiberQuantize([0], [1, 2]))).toBe('SCORING_WEIGHTS_INVALID')
    expect(codeOf(() => fiberQuantize([0, 1], [1, -1]))).toBe('SCORING_WEIGHTS_INVALID')
  })
})

describe('subtensorMaxUpscale (chain emulation)', () => {
  it('stores [32767, 32767] as [65535, 65535] (observed on chain, reference/chain.md §5)', () => {
    expect(subtensorMaxUpscale([32767, 32767])).toEqual([65535, 65535])
  })

  it('truncates the I32F32 factor above 32768, by hand', () => {
    // factor bits = floor(65535·2^32 / 40000) = 7036767043; 20000·factor / 2^32 = 32767.49999… → 32767,
    // although 20000·65535/40000 is exactly 32767.5.
    expect((65535n << 32n) / 40000n).toBe(7036767043n)
    expect(subtensorMaxUpscale([40000, 20000])).toEqual([65535, 32767])
    // Below the threshold it divides after multiplying: 1·65535/2 = 32767.5 → rounds away from zero.
    expect(subtensorMaxUpscale([2, 1])).toEqual([65535, 32768])
    expect(subtensorMaxUpscale([0, 0])).toEqual([0, 0])
  })
})

describe('toSubtensorU16 (ours)', () => {
  it('covers every uid, zeros included, with the max at 65535', () => {
    expect(
      toSubtensorU16(
        new Map([
          [2, 0.75],
          [0, 0.25],
        ]),
        [0, 1, 2],
      ),
    ).toEqual({ uids: [0, 1, 2], values: [21845, 0, 65535] })
  })

  it('is stored unchanged by Subtensor and is within half a step of what we meant', () => {
    fc.assert(
      fc.property(weightsArb, (ws) => {
        fc.pre(ws.some((w) => w > 0))
        const uids = ws.map((_, i) => i)
        const out = toSubtensorU16(asMap(ws), uids)
        expect(out.uids).toEqual(uids)
        expect(subtensorMaxUpscale(out.values)).toEqual(out.values)
        const max = Math.max(...ws)
        ws.forEach((w, i) => {
          expect(Math.abs((out.values[i] as number) - (w / max) * 65535)).toBeLessThanOrEqual(0.5 + 1e-9)
        })
      }),
    )
  })

  it('is monotone: a larger weight never gets a smaller u16', () => {
    fc.assert(
      fc.property(weightsArb, (ws) => {
        fc.pre(ws.some((w) => w > 0))
        const out = toSubtensorU16(
          asMap(ws),
          ws.map((_, i) => i),
        )
        for (let i = 0; i < ws.length; i++) {
          for (let j = 0; j < ws.length; j++) {
            if ((ws[i] as number) <= (ws[j] as number))
              expect(out.values[i]).toBeLessThanOrEqual(out.values[j] as number)
          }
        }
      }),
    )
  })

  it('refuses all-zero, non-finite, negative, or off-metagraph weights', () => {
    expect(codeOf(() => toSubtensorU16(new Map([[0, 0]]), [0]))).toBe('SCORING_WEIGHTS_INVALID')
    expect(codeOf(() => toSubtensorU16(new Map([[0, Number.NaN]]), [0]))).toBe('SCORING_WEIGHTS_INVALID')
    expect(codeOf(() => toSubtensorU16(new Map([[0, -1]]), [0]))).toBe('SCORING_WEIGHTS_INVALID')
    expect(codeOf(() => toSubtensorU16(new Map([[9, 1]]), [0]))).toBe('SCORING_WEIGHTS_INVALID')
    expect(codeOf(() => toSubtensorU16(new Map([[0, 1]]), [0, 0]))).toBe('SCORING_WEIGHTS_INVALID')
  })
})

describe('normalizeWeights', () => {
  it('scales to sum 1, or uniform when all are zero', () => {
    expect([
      ...normalizeWeights(
        new Map([
          [1, 3],
          [0, 1],
        ]),
      ),
    ]).toEqual([
      [0, 0.25],
      [1, 0.75],
    ])
    expect([
      ...normalizeWeights(
        new Map([
          [0, 0],
          [1, 0],
        ]),
      ).values(),
    ]).toEqual([0.5, 0.5])
  })

  it('sums to 1 within 1e-12', () => {
    fc.assert(
      fc.property(weightsArb, (ws) => {
        const sum = [...normalizeWeights(asMap(ws)).values()].reduce((a, b) => a + b, 0)
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12)
      }),
    )
  })
})
