import { createHash } from 'node:crypto'
import type { JobTask } from '#evaluator'
import { type CompetitionManifest, cycleStartBlock, DOMAIN_PREFIX, MAX_NETUID } from '#protocol'
import { badInput } from './errors.js'
import {
  CANARY_DEFAULTS,
  type CanaryBand,
  checkPolicies,
  defaultReferencePolicies,
  type ReferencePolicy,
} from './policies.js'

/** Domain tag of canary job ids: `kinitro/v1/canary`, distinct from miner job ids (`kinitro/v1/job-id`). */
export const CANARY_JOB_ID_DOMAIN = `${DOMAIN_PREFIX}canary`

/** The inputs that identify a canary job: one reference policy, one competition, one cycle. */
export interface CanaryJobIdInput {
  netuid: number
  competitionId: string
  cycle: number
  /** Reference policy name (`expert`, `random`). */
  policy: string
}

function checkIds(netuid: number, cycle: number): void {
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > MAX_NETUID) throw badInput('netuid', 'must be a u16')
  if (!Number.isSafeInteger(cycle) || cycle < 0) throw badInput('cycle', 'must be a non-negative safe integer')
}

function lp(h: ReturnType<typeof createHash>, bytes: Uint8Array): void {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(bytes.length)
  h.update(len)
  h.update(bytes)
}

/**
 * The canary job id: SHA-256 over
 *
 * ```
 * u32be(len) ‖ "kinitro/v1/canary"
 * u16be(netuid)
 * u32be(len) ‖ utf8(competitionId)
 * u64be(cycle)
 * u32be(len) ‖ utf8(policy)
 * ```
 *
 * Every validator derives the same id, hence (with the cycle start hash) the same episode seeds, so their
 * canary episodes are the same episodes. No miner artifact enters it, so no miner job can share it.
 *
 * @throws CanaryError `NODE_CANARY_BAD_INPUT` on a netuid above u16 or a negative or unsafe cycle.
 */
export function canaryJobId(input: CanaryJobIdInput): Uint8Array {
  const { netuid, competitionId, cycle, policy } = input
  checkIds(netuid, cycle)
  const h = createHash('sha256')
  lp(h, Buffer.from(CANARY_JOB_ID_DOMAIN, 'utf8'))
  const n = Buffer.alloc(2)
  n.writeUInt16BE(netuid)
  h.update(n)
  lp(h, Buffer.from(competitionId, 'utf8'))
  const c = Buffer.alloc(8)
  c.writeBigUInt64BE(BigInt(cycle))
  h.update(c)
  lp(h, Buffer.from(policy, 'utf8'))
  const d = h.digest()
  return new Uint8Array(d.buffer, d.byteOffset, d.length)
}

/** One canary evaluation: a reference policy on (some of) a competition's tasks, with derived seeds. */
export interface CanaryJob {
  policy: string
  /** The policy folder to start (`ReferencePolicy.dir`). */
  policyDir: string
  deterministic: boolean
  band: CanaryBand
  netuid: number
  competitionId: string
  cycle: number
  /** 32 bytes, {@link canaryJobId}; episode `i`'s seed is `episodeSeed32(jobId, cycleStartBlockHash, i)`. */
  jobId: Uint8Array
  jobIdHex: string
  cycleStartBlockHash: Uint8Array
  /** The competition's tasks this policy is meant for, in manifest order (the order fixes the seeds). */
  tasks: JobTask[]
  /** min(manifest.episodesPerTask, maxEpisodesPerTask). */
  episodesPerTask: number
  /** The manifest's step limit (0 = the evaluator's); part of what makes peers' episodes identical. */
  maxSteps: number
}

/** Inputs of {@link canaryJobs}. */
export interface CanaryJobsInput {
  netuid: number
  manifest: Pick<CompetitionManifest, 'id' | 'tasks' | 'episodesPerTask' | 'maxSteps'>
  cycle: number
  /** 32-byte hash of the cycle's start block (as for miner jobs). */
  cycleStartBlockHash: Uint8Array
  /** @default defaultReferencePolicies() (expert, random) */
  policies?: readonly ReferencePolicy[]
  /** @default CANARY_DEFAULTS.maxEpisodesPerTask (4) */
  maxEpisodesPerTask?: number
}

function taskOf(t: CompetitionManifest['tasks'][number]): JobTask {
  // Protocol tasks carry params as a Map (protobuf map field); the evaluator wants a plain record.
  const params: Record<string, string> =
    t.params instanceof Map ? Object.fromEntries(t.params) : { ...(t.params as Record<string, string>) }
  return { envId: t.envId, taskId: t.taskId, params }
}

/**
 * The cycle's canary jobs, one per reference policy that has at least one task in the competition, in
 * `policies` order. Pure: every validator computes the same jobs from the same manifest and chain data.
 *
 * @throws CanaryError `NODE_CANARY_BAD_INPUT` on a bad netuid, cycle, hash, manifest or policy list.
 */
export function canaryJobs(input: CanaryJobsInput): CanaryJob[] {
  const { manifest } = input
  const cap = input.maxEpisodesPerTask ?? CANARY_DEFAULTS.maxEpisodesPerTask
  checkIds(input.netuid, input.cycle)
  if (!Number.isSafeInteger(cap) || cap < 1) throw badInput('maxEpisodesPerTask', 'must be an integer ≥ 1')
  if (input.cycleStartBlockHash.length !== 32) throw badInput('cycleStartBlockHash', 'must be 32 bytes')
  if (!Number.isSafeInteger(manifest.episodesPerTask) || manifest.episodesPerTask < 1) {
    throw badInput('manifest.episodesPerTask', 'must be an integer ≥ 1')
  }
  if (manifest.tasks.length === 0) throw badInput('manifest.tasks', 'at least one task')
  const policies = input.policies ?? defaultReferencePolicies()
  checkPolicies(policies)
  const tasks = manifest.tasks.map(taskOf)
  const jobs: CanaryJob[] = []
  for (const p of policies) {
    const mine = p.envIds === undefined ? tasks : tasks.filter((t) => p.envIds?.includes(t.envId))
    if (mine.length === 0) continue
    const jobId = canaryJobId({ netuid: input.netuid, competitionId: manifest.id, cycle: input.cycle, policy: p.name })
    jobs.push({
      policy: p.name,
      policyDir: p.dir,
      deterministic: p.deterministic,
      band: { ...p.band },
      netuid: input.netuid,
      competitionId: manifest.id,
      cycle: input.cycle,
      jobId,
      jobIdHex: Buffer.from(jobId).toString('hex'),
      cycleStartBlockHash: Uint8Array.from(input.cycleStartBlockHash),
      tasks: mine.map((t) => ({ ...t, params: { ...t.params } })),
      episodesPerTask: Math.min(manifest.episodesPerTask, cap),
      maxSteps: manifest.maxSteps,
    })
  }
  return jobs
}

/** Canary cadence by default: an hour of Subtensor blocks. */
export const DEFAULT_CANARY_INTERVAL_BLOCKS = 300

/**
 * Whether a competition's cycle runs canaries: its start block is the first cycle start at or past a
 * multiple of `intervalBlocks` (cycle 0 always does). Pure and the same on every validator, so peers
 * canary the same cycles and can compare fingerprints; with cycles of `intervalBlocks` or longer it is every
 * cycle, as before.
 */
export function isCanaryCycle(manifest: CompetitionManifest, cycle: number, intervalBlocks: number): boolean {
  if (cycle === 0 || manifest.cycleLengthBlocks >= intervalBlocks) return true
  const start = cycleStartBlock(cycle, manifest)
  const previous = cycleStartBlock(cycle - 1, manifest)
  return Math.floor(start / intervalBlocks) > Math.floor(previous / intervalBlocks)
}
