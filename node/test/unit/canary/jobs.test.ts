import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { jobEpisodes, MUJOCO_ENV_IDS, samplePolicyDir } from '#evaluator'
import { createCompetitionManifest, jobId } from '#protocol'
import {
  CANARY_JOB_ID_DOMAIN,
  CanaryError,
  canaryJobId,
  canaryJobs,
  isCanaryCycle,
  NODE_CANARY_ERROR_CODES,
  NODE_CANARY_ERROR_FIXES,
  type ReferencePolicy,
} from '../../../src/canary/index.js'
import { HASH, manifest } from './helpers.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('canaryJobId', () => {
  it('matches vectors computed independently (Python hashlib over the documented layout)', () => {
    expect(CANARY_JOB_ID_DOMAIN).toBe('kinitro/v1/canary')
    expect(hex(canaryJobId({ netuid: 42, competitionId: 'comp-a', cycle: 7, policy: 'expert' }))).toBe(
      '2c50ebdc8428ba73fffadb10c6e606ef433caf8cad1e8fb8ae30907e19b54864',
    )
    expect(hex(canaryJobId({ netuid: 42, competitionId: 'comp-a', cycle: 7, policy: 'random' }))).toBe(
      'c4e6ff6e42cf43d3e099c5f0d2a6911843ad6f6931d2e72cc5fcb0cfb6a81ff6',
    )
    expect(hex(canaryJobId({ netuid: 65535, competitionId: 'ü', cycle: 2 ** 53 - 1, policy: 'expert' }))).toBe(
      'e4e76cde4c5a2426f2d98ef43af1a95d876ccbfd9fc4daaeef7a987a681a1202',
    )
  })

  it('changes with every input and never equals a miner job id of the same cycle', () => {
    const base = { netuid: 1, competitionId: 'c', cycle: 3, policy: 'expert' }
    const ids = new Set(
      [
        base,
        { ...base, netuid: 2 },
        { ...base, competitionId: 'd' },
        { ...base, cycle: 4 },
        { ...base, policy: 'random' },
        // Length prefixes keep ("c", "expert") and ("ce", "xpert")-style splits apart.
        { ...base, competitionId: 'ce', policy: 'xpert' },
      ].map((x) => hex(canaryJobId(x))),
    )
    expect(ids.size).toBe(6)
    const miner = jobId({
      netuid: 1,
      competitionId: 'c',
      minerHotkey: new Uint8Array(32),
      commitmentBlock: 0,
      cycle: 3,
    })
    expect(ids.has(hex(miner))).toBe(false)
  })

  it.each([
    [{ netuid: -1 }, 'netuid'],
    [{ netuid: 65536 }, 'netuid'],
    [{ netuid: 1.5 }, 'netuid'],
    [{ cycle: -1 }, 'cycle'],
    [{ cycle: 2 ** 53 }, 'cycle'],
  ])('refuses %o with NODE_CANARY_BAD_INPUT', (patch, field) => {
    const input = { netuid: 1, competitionId: 'c', cycle: 0, policy: 'expert', ...patch }
    expect(() => canaryJobId(input)).toThrow(CanaryError)
    try {
      canaryJobId(input)
    } catch (err) {
      expect((err as CanaryError).code).toBe('NODE_CANARY_BAD_INPUT')
      expect((err as CanaryError).meta).toMatchObject({ field })
    }
  })
})

describe('canaryJobs', () => {
  const input = (m = manifest(['mujoco/reach-v1', 'mujoco/push-v1'])) => ({
    netuid: 42,
    manifest: m,
    cycle: 7,
    cycleStartBlockHash: HASH,
  })

  it('gives expert and random one job each with the derived id, capped episodes and the sample policy dirs', () => {
    const jobs = canaryJobs(input())
    expect(jobs.map((j) => j.policy)).toEqual(['expert', 'random'])
    const [expert, random] = jobs
    expect(expert?.jobIdHex).toBe('2c50ebdc8428ba73fffadb10c6e606ef433caf8cad1e8fb8ae30907e19b54864')
    expect(random?.jobIdHex).toBe('c4e6ff6e42cf43d3e099c5f0d2a6911843ad6f6931d2e72cc5fcb0cfb6a81ff6')
    expect(hex(expert!.jobId)).toBe(expert?.jobIdHex)
    expect(expert).toMatchObject({
      policyDir: samplePolicyDir('expert'),
      deterministic: true,
      band: { floor: 0.8 },
      episodesPerTask: 4,
      maxSteps: 150,
      competitionId: 'comp-a',
      cycle: 7,
      netuid: 42,
    })
    expect(random).toMatchObject({ policyDir: samplePolicyDir('random'), deterministic: false, band: { ceiling: 0.5 } })
    // Protocol's Map params become the evaluator's plain record.
    expect(expert?.tasks).toEqual([
      { envId: 'mujoco/reach-v1', taskId: 'reach-v1', params: { k: 'mujoco/reach-v1' } },
      { envId: 'mujoco/push-v1', taskId: 'push-v1', params: { k: 'mujoco/push-v1' } },
    ])
  })

  it('uses min(manifest.episodesPerTask, cap)', () => {
    expect(canaryJobs(input(manifest(['mujoco/reach-v1'], 2)))[0]?.episodesPerTask).toBe(2)
    expect(canaryJobs({ ...input(), maxEpisodesPerTask: 1 })[0]?.episodesPerTask).toBe(1)
    expect(canaryJobs({ ...input(), maxEpisodesPerTask: 50 })[0]?.episodesPerTask).toBe(10)
  })

  it('derives the same episodes (seeds) on every call, and different ones per policy and cycle', () => {
    const seeds = (jobs = canaryJobs(input())) => jobs.map((j) => jobEpisodes(j).map((e) => e.task.seed))
    const a = seeds()
    expect(seeds()).toEqual(a)
    expect(a[0]).toHaveLength(8)
    expect(a[0]).not.toEqual(a[1])
    expect(seeds(canaryJobs({ ...input(), cycle: 8 }))).not.toEqual(a)
    expect(seeds(canaryJobs({ ...input(), cycleStartBlockHash: new Uint8Array(32).fill(8) }))).not.toEqual(a)
  })

  it('gives the expert only built-in MuJoCo tasks; a competition without them gets a random canary only', () => {
    expect(MUJOCO_ENV_IDS).toContain('mujoco/reach-v1')
    const mixed = canaryJobs(input(manifest(['remote/metaworld-reach', 'mujoco/reach-v1', 'toy/point-reach-v1'])))
    expect(mixed[0]?.tasks.map((t) => t.envId)).toEqual(['mujoco/reach-v1'])
    expect(mixed[1]?.tasks.map((t) => t.envId)).toEqual([
      'remote/metaworld-reach',
      'mujoco/reach-v1',
      'toy/point-reach-v1',
    ])
    const remote = canaryJobs(input(manifest(['remote/metaworld-reach'])))
    expect(remote.map((j) => j.policy)).toEqual(['random'])
  })

  it('copies its inputs, so a caller mutating them later cannot change a job', () => {
    const hash = new Uint8Array(32).fill(1)
    const [job] = canaryJobs({ ...input(), cycleStartBlockHash: hash })
    hash.fill(2)
    expect(job?.cycleStartBlockHash[0]).toBe(1)
  })

  it('takes custom reference policies', () => {
    const policies: ReferencePolicy[] = [{ name: 'zero', dir: '/p/zero', band: { ceiling: 0.1 }, deterministic: true }]
    const [job, ...rest] = canaryJobs({ ...input(), policies })
    expect(rest).toEqual([])
    expect(job).toMatchObject({ policy: 'zero', policyDir: '/p/zero', band: { ceiling: 0.1 } })
    expect(job?.jobIdHex).toBe(hex(canaryJobId({ netuid: 42, competitionId: 'comp-a', cycle: 7, policy: 'zero' })))
  })

  const policy = (p: Partial<ReferencePolicy>): ReferencePolicy => ({
    name: 'p',
    dir: '/d',
    band: {},
    deterministic: true,
    ...p,
  })
  it.each([
    ['hash length', { cycleStartBlockHash: new Uint8Array(31) }, 'cycleStartBlockHash'],
    ['netuid', { netuid: 70000 }, 'netuid'],
    ['cycle', { cycle: -2 }, 'cycle'],
    ['cap', { maxEpisodesPerTask: 0 }, 'maxEpisodesPerTask'],
    ['episodesPerTask', { manifest: manifest(['mujoco/reach-v1'], 0) }, 'manifest.episodesPerTask'],
    ['no tasks', { manifest: manifest([]) }, 'manifest.tasks'],
    ['duplicate policy', { policies: [policy({}), policy({})] }, 'policies.name'],
    ['bad policy name', { policies: [policy({ name: 'Expert!' })] }, 'policies.name'],
    ['floor > 1', { policies: [policy({ band: { floor: 1.5 } })] }, 'policies.band.floor'],
    ['ceiling < 0', { policies: [policy({ band: { ceiling: -0.1 } })] }, 'policies.band.ceiling'],
    ['empty dir', { policies: [policy({ dir: '' })] }, 'policies.dir'],
  ])('refuses a bad %s with NODE_CANARY_BAD_INPUT', (_, patch, field) => {
    let caught: unknown
    try {
      canaryJobs({ ...input(), ...patch })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(CanaryError)
    expect((caught as CanaryError).meta).toMatchObject({ code: 'NODE_CANARY_BAD_INPUT', field })
  })
})

describe('canary errors', () => {
  it('README "Errors" lists exactly NODE_CANARY_ERROR_CODES, each with a fix', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../src/canary/README.md'), 'utf8')
    const section = readme.split(/^## Errors\b.*$/m)[1]?.split(/^## /m)[0] ?? ''
    const documented = [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual([...NODE_CANARY_ERROR_CODES].sort())
    expect(Object.keys(NODE_CANARY_ERROR_FIXES).sort()).toEqual([...NODE_CANARY_ERROR_CODES].sort())
    expect(NODE_CANARY_ERROR_CODES.every((c) => /^NODE_CANARY_[A-Z_]+$/.test(c))).toBe(true)
  })
})

describe('isCanaryCycle (cadence)', () => {
  const schedule = (cycleLengthBlocks: number, startBlock = 7) =>
    createCompetitionManifest({
      netuid: 1,
      block: 1,
      id: 'cadence',
      name: 'cadence',
      tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach' }],
      episodesPerTask: 1,
      maxSteps: 10,
      scoring: { strategy: 'kinitro-subset-v1' },
      startBlock,
      points: 1,
      cycleLengthBlocks,
    })

  it('is every cycle when cycles are at least the interval long', () => {
    const m = schedule(360)
    expect([0, 1, 2, 3, 17].map((c) => isCanaryCycle(m, c, 300))).toEqual([true, true, true, true, true])
  })

  it('is one cycle in each interval for short cycles: the first start at or past each multiple', () => {
    const m = schedule(60, 7) // starts 7, 67, 127, …: a multiple of 300 is passed at 307, 607, 907
    const chosen = Array.from({ length: 20 }, (_, c) => c).filter((c) => isCanaryCycle(m, c, 300))
    expect(chosen).toEqual([0, 5, 10, 15])
    // Exactly one per 300 blocks, whatever the phase of the schedule.
    const odd = schedule(70, 123)
    const picked = Array.from({ length: 60 }, (_, c) => c).filter((c) => c > 0 && isCanaryCycle(odd, c, 300))
    const windows = picked.map((c) => Math.floor((123 + c * 70) / 300))
    expect(new Set(windows).size).toBe(picked.length)
    expect(windows.at(-1)! - windows[0]! + 1).toBe(picked.length)
  })
})
