import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { episodeSeed, episodeSeed32 } from '../../../src/ids/episode-seed.js'
import { type JobIdInput, jobId } from '../../../src/ids/job-id.js'
import { messageId } from '../../../src/ids/message-id.js'

const base: JobIdInput = {
  netuid: 7,
  competitionId: 'reach-2026',
  minerHotkey: new Uint8Array(32).fill(9),
  commitmentBlock: 999_500,
  cycle: 3,
}
const job = jobId(base)
const hash = new Uint8Array(32).fill(0xab)

describe('messageId', () => {
  it('is the 32-byte SHA-256 of the envelope bytes', () => {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    expect(Buffer.from(messageId(new TextEncoder().encode('abc'))).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(messageId(Uint8Array.of(1))).not.toEqual(messageId(Uint8Array.of(2)))
  })
})

describe('jobId', () => {
  it('changes when any input changes', () => {
    const variants: JobIdInput[] = [
      { ...base, netuid: 8 },
      { ...base, competitionId: 'reach-2027' },
      { ...base, minerHotkey: new Uint8Array(32).fill(8) },
      { ...base, commitmentBlock: 999_501 },
      { ...base, cycle: 4 },
    ]
    const ids = new Set(variants.map((v) => Buffer.from(jobId(v)).toString('hex')))
    expect(ids.size).toBe(variants.length)
    expect(ids.has(Buffer.from(job).toString('hex'))).toBe(false)
  })

  it('is injective on its inputs (no two inputs share an encoding)', () => {
    const input = fc.record({
      netuid: fc.integer({ min: 0, max: 0xffff }),
      competitionId: fc.string({ maxLength: 8 }),
      minerHotkey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      commitmentBlock: fc.nat(),
      cycle: fc.nat(),
    })
    fc.assert(
      fc.property(input, input, (a, b) => {
        const same =
          JSON.stringify({ ...a, minerHotkey: [...a.minerHotkey] }) ===
          JSON.stringify({ ...b, minerHotkey: [...b.minerHotkey] })
        expect(Buffer.from(jobId(a)).equals(Buffer.from(jobId(b)))).toBe(same)
      }),
    )
  })

  it('throws RangeError on out-of-range inputs', () => {
    expect(() => jobId({ ...base, netuid: 65536 })).toThrow(RangeError)
    expect(() => jobId({ ...base, minerHotkey: new Uint8Array(31) })).toThrow(RangeError)
    expect(() => jobId({ ...base, commitmentBlock: -1 })).toThrow(RangeError)
    expect(() => jobId({ ...base, cycle: 2 ** 53 })).toThrow(RangeError)
  })
})

describe('episodeSeed', () => {
  it('is a u64 whose high 32 bits are the 32-bit seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (i) => {
        const seed = episodeSeed(job, hash, i)
        expect(seed >= 0n && seed < 1n << 64n).toBe(true)
        expect(episodeSeed32(job, hash, i)).toBe(Number(seed >> 32n))
      }),
    )
  })

  it('depends on the job, the block hash and the index', () => {
    const s = episodeSeed(job, hash, 0)
    expect(episodeSeed(job, hash, 1)).not.toBe(s)
    expect(episodeSeed(jobId({ ...base, cycle: 4 }), hash, 0)).not.toBe(s)
    expect(episodeSeed(job, new Uint8Array(32).fill(0xac), 0)).not.toBe(s)
    expect(episodeSeed(job, hash, 0)).toBe(s)
  })

  it('throws RangeError on bad inputs', () => {
    expect(() => episodeSeed(job.subarray(1), hash, 0)).toThrow(RangeError)
    expect(() => episodeSeed(job, hash.subarray(1), 0)).toThrow(RangeError)
    expect(() => episodeSeed32(job, hash, 2 ** 32)).toThrow(RangeError)
    expect(() => episodeSeed(job, hash, -1)).toThrow(RangeError)
  })
})
