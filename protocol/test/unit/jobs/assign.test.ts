import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ss58FromPublicKey } from '#protocol'
import { assign, JobsError, rankValidators, rendezvousUniform, type ValidatorInfo } from '../../../src/jobs/index.js'
import vectors from './rendezvous-vectors.json' with { type: 'json' }

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'))
const goldenValidators: ValidatorInfo[] = vectors.validators.map((v) => {
  const out: ValidatorInfo = { hotkey: v.hotkey, stake: BigInt(v.stake), capacity: v.capacity }
  if ('families' in v && v.families !== undefined) out.families = v.families
  return out
})

describe('assign: golden vectors (node/test/unit/jobs/rendezvous-vectors.json)', () => {
  // The same file was checked against an independent Python implementation of the README formula.
  for (const c of vectors.cases) {
    it(`job ${c.jobId.slice(0, 12)}… → ${c.expected.length} assignees`, () => {
      expect(assign(hex(c.jobId), goldenValidators, c.families, c.r)).toEqual(c.expected)
      expect(rankValidators(hex(c.jobId), goldenValidators, c.families).map((v) => v.hotkey)).toEqual(c.ranking)
    })
  }
  it('a zero-capacity validator and one without the family never appear', () => {
    for (const c of vectors.cases) {
      expect(c.ranking).not.toContain(vectors.validators[5]?.hotkey) // capacity 0
      if (c.families.includes('mujoco')) expect(c.ranking).not.toContain(vectors.validators[2]?.hotkey)
    }
  })
})

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 })
const validatorsArb = fc
  .uniqueArray(
    fc.record({
      key: keyArb,
      stake: fc.bigInt({ min: 0n, max: 10n ** 15n }),
      capacity: fc.integer({ min: 0, max: 8 }),
      families: fc.option(fc.subarray(['mujoco', 'genesis', 'toy']), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 12, selector: (v) => Buffer.from(v.key).toString('hex') },
  )
  .map((vs) =>
    vs.map((v) => {
      const out: ValidatorInfo = { hotkey: ss58FromPublicKey(v.key), stake: v.stake, capacity: v.capacity }
      if (v.families !== undefined) out.families = v.families
      return out
    }),
  )

describe('assign: properties', () => {
  it('is deterministic and independent of input order', () => {
    fc.assert(
      fc.property(
        keyArb,
        validatorsArb,
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('mujoco', 'genesis'),
        (id, vs, r, fam) => {
          const a = assign(id, vs, fam, r)
          expect(assign(id, vs, fam, r)).toEqual(a)
          expect(assign(id, [...vs].reverse(), fam, r)).toEqual(a)
          expect(a.length).toBeLessThanOrEqual(r)
          expect(new Set(a).size).toBe(a.length)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('never assigns a validator that does not serve the family or has zero weight', () => {
    fc.assert(
      fc.property(keyArb, validatorsArb, fc.constantFrom('mujoco', 'genesis', 'toy'), (id, vs, fam) => {
        const ranked = rankValidators(id, vs, fam).map((v) => v.hotkey)
        for (const v of vs) {
          const eligible = v.stake > 0n && v.capacity > 0 && (v.families === undefined || v.families.includes(fam))
          expect(ranked.includes(v.hotkey)).toBe(eligible)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('removing a validator only moves the jobs it held (rendezvous stability)', () => {
    fc.assert(
      fc.property(keyArb, validatorsArb, (id, vs) => {
        const full = rankValidators(id, vs).map((v) => v.hotkey)
        const gone = vs[0]?.hotkey
        const rest = rankValidators(
          id,
          vs.filter((v) => v.hotkey !== gone),
        ).map((v) => v.hotkey)
        expect(rest).toEqual(full.filter((h) => h !== gone))
      }),
      { numRuns: 100 },
    )
  })

  it('picks first place in proportion to stake × capacity (chi-square, loose bound)', () => {
    const vs: ValidatorInfo[] = [1, 2, 3, 4].map((i) => ({
      hotkey: ss58FromPublicKey(new Uint8Array(32).fill(i)),
      stake: BigInt(i) * 1_000_000_000n,
      capacity: i === 4 ? 2 : 1,
    }))
    const weights = [1, 2, 3, 8]
    const total = weights.reduce((a, b) => a + b, 0)
    const n = 4000
    const counts = new Map<string, number>()
    for (let j = 0; j < n; j++) {
      const id = new Uint8Array(32)
      new DataView(id.buffer).setUint32(0, j)
      const first = assign(id, vs, [], 1)[0] as string
      counts.set(first, (counts.get(first) ?? 0) + 1)
    }
    let chi2 = 0
    vs.forEach((v, i) => {
      const expected = (n * (weights[i] as number)) / total
      chi2 += ((counts.get(v.hotkey) ?? 0) - expected) ** 2 / expected
    })
    // 3 degrees of freedom: p = 0.001 at 16.27; an unweighted pick would give chi2 in the hundreds.
    expect(chi2).toBeLessThan(16.27)
  })

  it('U is strictly inside (0, 1)', () => {
    fc.assert(
      fc.property(keyArb, keyArb, (id, k) => {
        const u = rendezvousUniform(id, ss58FromPublicKey(k))
        expect(u).toBeGreaterThan(0)
        expect(u).toBeLessThan(1)
      }),
      { numRuns: 50 },
    )
  })

  it('refuses bad inputs with JOBS_BAD_INPUT', () => {
    const v = goldenValidators[0] as ValidatorInfo
    const id = new Uint8Array(32)
    for (const bad of [
      () => assign(id, [v], [], 0),
      () => assign(new Uint8Array(31), [v]),
      () => assign(id, [v, v]),
      () => assign(id, [{ ...v, capacity: 1.5 }]),
      () => assign(id, [{ ...v, hotkey: 'not-ss58' }]),
    ]) {
      expect(bad).toThrow(JobsError)
      try {
        bad()
      } catch (err) {
        expect((err as JobsError).code).toBe('JOBS_BAD_INPUT')
      }
    }
  })
})
