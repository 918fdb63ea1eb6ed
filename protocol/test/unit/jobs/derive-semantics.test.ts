import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createCompetitionManifest,
  createJobAnnouncement,
  type JobAnnouncement,
  ss58FromPublicKey,
  ValidationError,
} from '#protocol'
import {
  artifactOf,
  type DeriveJobsInput,
  deriveJobs,
  evaluationKey,
  type MinerCommitment,
  validateJobSemantics,
} from '../../../src/jobs/index.js'

const manifest = (id: string, extra: { startBlock?: number; envId?: string } = {}) =>
  createCompetitionManifest({
    netuid: 7,
    block: 1,
    id,
    name: id,
    tasks: [{ envId: extra.envId ?? 'mujoco/reach-v1', taskId: 't' }],
    episodesPerTask: 2,
    maxSteps: 10,
    scoring: { strategy: 'subsets' },
    startBlock: extra.startBlock ?? 100,
    points: 1,
    cycleLengthBlocks: 50,
  })
const hk = (i: number) => ss58FromPublicKey(new Uint8Array(32).fill(i))
const hash = (n: number) => new Uint8Array(32).fill(n & 0xff)
const commit = (i: number, block: number, rev = 'abc1234', comp?: string): MinerCommitment => ({
  hotkey: hk(i),
  uid: i,
  text: `k1:user${i}/policy@${rev}${comp ? `:${comp}` : ''}`,
  block,
})
const base = (): DeriveJobsInput => ({
  netuid: 7,
  block: 160, // cycle 1 of both competitions, start block 150
  manifests: [manifest('b'), manifest('a')],
  commitments: [commit(1, 120), commit(2, 140), commit(3, 149)],
  blockHashes: new Map([[150, hash(150)]]),
})
const ids = (input: DeriveJobsInput) =>
  deriveJobs(input).jobs.map((j) => Buffer.from(j.announcement.jobId).toString('hex'))

describe('deriveJobs', () => {
  it('one job per (commitment, competition, cycle), sorted, with the cycle start block and hash', () => {
    const { jobs, missingHashes } = deriveJobs(base())
    expect(missingHashes).toEqual([])
    expect(jobs.map((j) => [j.announcement.competitionId, j.announcement.minerUid])).toEqual([
      ['a', 1],
      ['a', 2],
      ['a', 3],
      ['b', 1],
      ['b', 2],
      ['b', 3],
    ])
    const j = jobs[0]?.announcement as JobAnnouncement
    expect(j).toEqual(
      createJobAnnouncement({
        netuid: 7,
        block: 160,
        competitionId: 'a',
        minerHotkey: new Uint8Array(32).fill(1),
        minerUid: 1,
        commitment: 'k1:user1/policy@abc1234',
        commitmentBlock: 120,
        cycle: 1,
        cycleStartBlock: 150,
        cycleStartBlockHash: hash(150),
      }),
    )
    expect(jobs[0]?.families).toEqual(['mujoco'])
  })

  it('same inputs in any order → same jobs in the same order', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...base().commitments], { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        (cs, flip) => {
          const input = base()
          const shuffled = {
            ...input,
            commitments: cs,
            manifests: flip ? [...input.manifests].reverse() : input.manifests,
          }
          expect(ids(shuffled)).toEqual(ids(input))
          expect(deriveJobs(shuffled)).toEqual(deriveJobs(input))
        },
      ),
      { numRuns: 30 },
    )
  })

  it('a commitment at or after the cycle start does not count for the cycle', () => {
    const input = { ...base(), commitments: [commit(1, 120), commit(2, 150), commit(3, 155)] }
    expect(deriveJobs(input).jobs.map((j) => j.announcement.minerUid)).toEqual([1, 1])
  })

  it('re-committing a known artifact after the start is a no-op: the job keeps its id', () => {
    const before = deriveJobs(base()).jobs
    const known = [{ hotkey: hk(2), digest: artifactOf(commit(2, 0).text)?.digest as string, block: 140 }]
    const after = deriveJobs({ ...base(), commitments: [commit(1, 120), commit(2, 155), commit(3, 149)], known })
    expect(after.jobs.map((j) => j.announcement.jobId)).toEqual(before.map((j) => j.announcement.jobId))
    // A *different* artifact after the start is not rescued by the sighting.
    const other = deriveJobs({
      ...base(),
      commitments: [commit(1, 120), commit(2, 155, 'fff0000'), commit(3, 149)],
      known,
    })
    expect(other.jobs.map((j) => j.announcement.minerUid)).toEqual([1, 3, 1, 3])
  })

  it('already evaluated (hotkey, digest, competition, cycle) is left out', () => {
    const digest = artifactOf(commit(2, 0).text)?.digest as string
    const input = { ...base(), alreadyEvaluated: new Set([evaluationKey(hk(2), digest, 'a', 1)]) }
    expect(deriveJobs(input).jobs.map((j) => `${j.announcement.competitionId}${j.announcement.minerUid}`)).toEqual([
      'a1',
      'a3',
      'b1',
      'b2',
      'b3',
    ])
  })

  it('honours a commitment that names its competition, skips invalid ones, reports missing hashes', () => {
    const input = {
      ...base(),
      commitments: [commit(1, 120, 'abc1234', 'b'), { hotkey: hk(4), uid: 4, text: '{"t":"pk","k":"00"}', block: 1 }],
    }
    expect(deriveJobs(input).jobs.map((j) => j.announcement.competitionId)).toEqual(['b'])
    const noHash = deriveJobs({ ...base(), blockHashes: new Map() })
    expect(noHash.jobs).toEqual([])
    expect(noHash.missingHashes).toEqual([150])
  })

  it('the deployment id does not change the artifact; the revision does', () => {
    const a = artifactOf('alice/policy:abc12345:95edf2b6-e18b-400a-8398-5573df10e5e4')
    const b = artifactOf('alice/policy:abc12345:11111111-e18b-400a-8398-5573df10e5e4')
    const c = artifactOf('alice/policy:abc12346:95edf2b6-e18b-400a-8398-5573df10e5e4')
    expect(a?.digest).toBe(b?.digest)
    expect(a?.digest).not.toBe(c?.digest)
    expect(artifactOf('k1:alice/policy@abc12345')?.digest).toBe(a?.digest)
  })
})

describe('validateJobSemantics', () => {
  const view = () => ({ ...base(), head: 160 })
  const derived = () => deriveJobs(base()).jobs[1]?.announcement as JobAnnouncement // a, uid 2
  const reannounce = (a: JobAnnouncement, patch: Partial<JobAnnouncement>) => {
    const { jobId: _, ...rest } = { ...a, ...patch }
    return createJobAnnouncement(rest)
  }
  const verdict = (a: JobAnnouncement, v = view()): string => {
    try {
      validateJobSemantics(a, v)
      return 'accept'
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError)
      return `${(err as ValidationError).action}:${(err as ValidationError).meta.field}`
    }
  }

  it('accepts every job this node derives, whoever announced it at whatever block', () => {
    for (const j of deriveJobs(base()).jobs) expect(verdict(j.announcement)).toBe('accept')
    expect(verdict({ ...derived(), block: 158 })).toBe('accept')
  })

  it('rejects what contradicts our chain data', () => {
    const a = derived()
    expect(verdict(reannounce(a, { cycleStartBlockHash: hash(9) }))).toBe('reject:job.cycle_start_block_hash')
    expect(verdict(reannounce(a, { cycleStartBlock: 151 }))).toBe('reject:job.cycle_start_block')
    expect(verdict(reannounce(a, { commitmentBlock: 150 }))).toBe('reject:job.commitment_block')
    expect(verdict(reannounce(a, { commitmentBlock: 145 }))).toBe('reject:job.commitment_block')
    expect(verdict(reannounce(a, { commitment: 'k1:user2/policy@abc1234:b' }))).toBe('reject:job.commitment')
    expect(verdict(reannounce(a, { commitment: 'k1:user2/policy@eee1234' }))).toBe('reject:job.commitment')
    expect(verdict(reannounce(a, { minerUid: 9 }))).toBe('reject:job.miner_uid')
    expect(verdict(reannounce(a, { commitment: '{"t":"pk","k":"00"}' }))).toBe('reject:job.commitment')
  })

  it('ignores what our view may simply not have yet', () => {
    const a = derived()
    expect(verdict(a, { ...view(), manifests: [] })).toBe('ignore:job.competition_id')
    expect(verdict(a, { ...view(), blockHashes: new Map() })).toBe('ignore:job.cycle_start_block_hash')
    expect(verdict(a, { ...view(), commitments: [] })).toBe('ignore:job.miner_hotkey')
    // The miner re-committed after the cycle start and we never saw the earlier commitment.
    expect(verdict(a, { ...view(), commitments: [commit(2, 155, 'fff0000')] })).toBe('ignore:job.commitment_block')
    const next = reannounce(a, { cycle: 2, cycleStartBlock: 200 })
    expect(verdict(next)).toBe('ignore:job.cycle_start_block')
  })

  it('accepts the job kept by a known re-commit when we have the sighting', () => {
    const a = derived()
    const known = [{ hotkey: hk(2), digest: artifactOf(a.commitment)?.digest as string, block: 140 }]
    expect(verdict(a, { ...view(), commitments: [commit(2, 155)], known })).toBe('accept')
  })
})
