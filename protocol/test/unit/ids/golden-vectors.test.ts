import { readFileSync, writeFileSync } from 'node:fs'
import { fromString } from 'uint8arrays/from-string'
import { toString as toHex } from 'uint8arrays/to-string'
import { describe, expect, it } from 'vitest'
import { episodeSeed, episodeSeed32 } from '../../../src/ids/episode-seed.js'
import { jobId } from '../../../src/ids/job-id.js'

// Golden vectors for job ids and episode seeds: any change to their encoding changes every job and
// every episode on the network, so it must show up here. Regenerate with KINITRO_UPDATE_VECTORS=1.

const FILE = new URL('../../vectors/ids.json', import.meta.url)
const UPDATE = process.env.KINITRO_UPDATE_VECTORS === '1'

interface JobIdVector {
  netuid: number
  competitionId: string
  minerHotkeyHex: string
  commitmentBlock: number
  cycle: number
  jobIdHex: string
}
interface SeedVector {
  jobIdHex: string
  cycleStartBlockHashHex: string
  episodeIndex: number
  seed: string
  seed32: number
}

const hex = (b: Uint8Array) => toHex(b, 'base16')
const unhex = (s: string) => fromString(s, 'base16')
const key = (n: number) => hex(new Uint8Array(32).fill(n))

const JOB_INPUTS: Omit<JobIdVector, 'jobIdHex'>[] = [
  { netuid: 0, competitionId: 'a', minerHotkeyHex: key(0), commitmentBlock: 0, cycle: 0 },
  { netuid: 7, competitionId: 'reach-2026', minerHotkeyHex: key(9), commitmentBlock: 999_500, cycle: 3 },
  { netuid: 65535, competitionId: 'ünïcode-comp', minerHotkeyHex: key(0xff), commitmentBlock: 2 ** 32, cycle: 2 ** 40 },
  { netuid: 7, competitionId: 'reach-2026', minerHotkeyHex: key(9), commitmentBlock: 999_500, cycle: 4 },
]

function generate() {
  const jobs: JobIdVector[] = JOB_INPUTS.map((input) => ({
    ...input,
    jobIdHex: hex(jobId({ ...input, minerHotkey: unhex(input.minerHotkeyHex) })),
  }))
  const seeds: SeedVector[] = [0, 1, 2, 49, 4_294_967_295].map((episodeIndex, i) => {
    const job = unhex(jobs[i % jobs.length]?.jobIdHex ?? '')
    const hash = new Uint8Array(32).fill(0xab + i)
    return {
      jobIdHex: hex(job),
      cycleStartBlockHashHex: hex(hash),
      episodeIndex,
      seed: episodeSeed(job, hash, episodeIndex).toString(),
      seed32: episodeSeed32(job, hash, episodeIndex),
    }
  })
  return { description: 'jobId and episodeSeed inputs → outputs (seed as a decimal u64)', jobs, seeds }
}

describe('id golden vectors', () => {
  if (UPDATE) {
    it('regenerates protocol/test/vectors/ids.json', () => {
      writeFileSync(FILE, `${JSON.stringify(generate(), null, 2)}\n`)
      expect(readFileSync(FILE, 'utf8').length).toBeGreaterThan(0)
    })
    return
  }
  const doc = JSON.parse(readFileSync(FILE, 'utf8')) as { jobs: JobIdVector[]; seeds: SeedVector[] }

  it.each(doc.jobs)('jobId($netuid, $competitionId, …, $commitmentBlock, $cycle)', (v) => {
    expect(hex(jobId({ ...v, minerHotkey: unhex(v.minerHotkeyHex) }))).toBe(v.jobIdHex)
  })

  it.each(doc.seeds)('episodeSeed(…, $episodeIndex)', (v) => {
    const job = unhex(v.jobIdHex)
    const hash = unhex(v.cycleStartBlockHashHex)
    expect(episodeSeed(job, hash, v.episodeIndex).toString()).toBe(v.seed)
    expect(episodeSeed32(job, hash, v.episodeIndex)).toBe(v.seed32)
  })
})
