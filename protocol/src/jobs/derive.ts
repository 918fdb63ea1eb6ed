import { decodeSs58 } from '../identity/hotkey.js'
import { createJobAnnouncement } from '../messages/jobs.js'
import type { CompetitionManifest, JobAnnouncement } from '../proto/kinitro.js'
import { artifactOf } from './artifact.js'
import { cycleOf, cycleStartBlock } from './cycles.js'

/** A miner's commitment as read from chain, joined with its uid from the metagraph. */
export interface MinerCommitment {
  /** SS58 hotkey. */
  hotkey: string
  uid: number
  /** The commitment text (the first `Raw` field, UTF-8). */
  text: string
  /** Block the commitment was set at (`CommitmentOf.block`). */
  block: number
}

/** An earlier sighting: `hotkey` committed the artifact `digest` at `block` (the earliest block seen). */
export interface KnownArtifact {
  hotkey: string
  digest: string
  block: number
}

/** Inputs of {@link deriveJobs}. Everything comes from chain state (plus this node's memory in `known`). */
export interface DeriveJobsInput {
  netuid: number
  /** The head block: selects each competition's current cycle and becomes the announcements' `block`. */
  block: number
  manifests: readonly CompetitionManifest[]
  commitments: readonly MinerCommitment[]
  /** Hashes (32 bytes) of cycle start blocks; a competition whose start hash is missing is listed in `missingHashes`. */
  blockHashes: ReadonlyMap<number, Uint8Array>
  /** Earlier sightings, so a re-commit of a known artifact after the cycle start keeps the cycle's job. */
  known?: readonly KnownArtifact[]
  /** {@link evaluationKey}s this node already evaluated; those jobs are left out. */
  alreadyEvaluated?: ReadonlySet<string>
  /** Derive these cycles instead of the current ones (competition id → cycle); used to check announcements. */
  cycles?: ReadonlyMap<string, number>
}

/** One derived job: the announcement body plus what derivation knew about it. */
export interface DerivedJob {
  announcement: JobAnnouncement
  /** SS58 hotkey of the miner. */
  minerHotkey: string
  /** Artifact digest of the commitment (see `artifactOf`). */
  artifactDigest: string
  /** Environment families the competition's tasks belong to (see {@link competitionFamilies}). */
  families: readonly string[]
  /** Key for "one evaluation per (hotkey, artifact, competition, cycle)". */
  evaluationKey: string
}

/** What {@link deriveJobs} returns. */
export interface DerivedJobs {
  /** Sorted by competition id, cycle, miner uid, miner hotkey. */
  jobs: DerivedJob[]
  /** Cycle start blocks whose hash was needed but not given (those competitions produced no jobs). */
  missingHashes: number[]
}

/** The "one evaluation per cycle" key: `<hotkey>|<artifact digest>|<competition id>|<cycle>`. */
export function evaluationKey(hotkey: string, digest: string, competitionId: string, cycle: number): string {
  return `${hotkey}|${digest}|${competitionId}|${cycle}`
}

/**
 * The environment families of a competition: the part of each task's `envId` before the first `/`
 * (`mujoco/reach-v1` → `mujoco`; an id without `/` is its own family), unique and sorted.
 */
export function competitionFamilies(manifest: Pick<CompetitionManifest, 'tasks'>): string[] {
  const out = new Set<string>()
  for (const t of manifest.tasks) {
    const slash = t.envId.indexOf('/')
    out.add(slash < 0 ? t.envId : t.envId.slice(0, slash))
  }
  return [...out].sort(cmp)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Latest manifest per competition id (highest `block`; ties keep the first given), sorted by id. */
function latestManifests(manifests: readonly CompetitionManifest[]): CompetitionManifest[] {
  const byId = new Map<string, CompetitionManifest>()
  for (const m of manifests) {
    const prev = byId.get(m.id)
    if (prev === undefined || m.block > prev.block) byId.set(m.id, m)
  }
  return [...byId.values()].sort((a, b) => cmp(a.id, b.id))
}

/** One commitment per hotkey (highest block wins; the chain holds only the latest). */
function latestCommitments(commitments: readonly MinerCommitment[]): MinerCommitment[] {
  const byHotkey = new Map<string, MinerCommitment>()
  for (const c of commitments) {
    const prev = byHotkey.get(c.hotkey)
    if (prev === undefined || c.block > prev.block || (c.block === prev.block && c.text > prev.text)) {
      byHotkey.set(c.hotkey, c)
    }
  }
  return [...byHotkey.values()]
}

/**
 * Derive the jobs of each competition's current cycle (design §5). Pure: same inputs, same jobs, in the
 * same order, whatever the order of `manifests`, `commitments` and `known`.
 *
 * Rules, per competition whose cycle `c` (from `block`, or `cycles`) is active, with start block `S`:
 * 1. A miner's commitment counts only if its artifact parses (`artifactOf`) and, when the commitment names
 *    a competition, it names this one.
 * 2. It counts for `c` only if committed strictly before `S` (the start block's hash seeds the episodes, so
 *    no commitment can know its seeds). The job's `commitment_block` is the chain's block for it.
 * 3. Re-committing a known artifact is a no-op: when the chain shows a commitment at or after `S` but
 *    `known` says the same hotkey committed the same digest before `S`, the job keeps that earlier block
 *    (so its job id does not change mid-cycle and nothing is evaluated twice).
 * 4. Jobs whose {@link evaluationKey} is in `alreadyEvaluated` are left out.
 */
export function deriveJobs(input: DeriveJobsInput): DerivedJobs {
  const earliest = new Map<string, number>()
  for (const k of input.known ?? []) {
    const key = `${k.hotkey}|${k.digest}`
    const prev = earliest.get(key)
    if (prev === undefined || k.block < prev) earliest.set(key, k.block)
  }
  const commitments = latestCommitments(input.commitments)
    .map((c) => ({ c, artifact: artifactOf(c.text) }))
    .filter((x) => x.artifact !== undefined)
  const jobs: DerivedJob[] = []
  const missing = new Set<number>()
  for (const manifest of latestManifests(input.manifests)) {
    const cycle = input.cycles?.get(manifest.id) ?? cycleOf(input.block, manifest)
    if (cycle === undefined) continue
    const start = cycleStartBlock(cycle, manifest)
    if (manifest.endBlock !== 0 && start > manifest.endBlock) continue
    const hash = input.blockHashes.get(start)
    if (hash === undefined) {
      missing.add(start)
      continue
    }
    const families = competitionFamilies(manifest)
    for (const { c, artifact } of commitments) {
      if (artifact === undefined) continue
      if (artifact.competitionId !== undefined && artifact.competitionId !== manifest.id) continue
      let commitmentBlock = c.block
      if (commitmentBlock >= start) {
        const before = earliest.get(`${c.hotkey}|${artifact.digest}`)
        if (before === undefined || before >= start) continue
        commitmentBlock = before
      }
      const key = evaluationKey(c.hotkey, artifact.digest, manifest.id, cycle)
      if (input.alreadyEvaluated?.has(key)) continue
      jobs.push({
        announcement: createJobAnnouncement({
          netuid: input.netuid,
          block: input.block,
          competitionId: manifest.id,
          minerHotkey: decodeSs58(c.hotkey),
          minerUid: c.uid,
          commitment: c.text,
          commitmentBlock,
          cycle,
          cycleStartBlock: start,
          cycleStartBlockHash: hash,
        }),
        minerHotkey: c.hotkey,
        artifactDigest: artifact.digest,
        families,
        evaluationKey: key,
      })
    }
  }
  jobs.sort(
    (a, b) =>
      cmp(a.announcement.competitionId, b.announcement.competitionId) ||
      a.announcement.cycle - b.announcement.cycle ||
      a.announcement.minerUid - b.announcement.minerUid ||
      cmp(a.minerHotkey, b.minerHotkey),
  )
  return { jobs, missingHashes: [...missing].sort((a, b) => a - b) }
}
