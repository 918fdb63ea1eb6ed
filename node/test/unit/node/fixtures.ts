import {
  type CompetitionManifest,
  createCompetitionManifest,
  createJobAnnouncement,
  type JobAnnouncement,
} from '#protocol'
import type { EvaluationJob } from '../../../src/node/evaluation.js'

type ManifestInit = Parameters<typeof createCompetitionManifest>[0]
type AnnouncementInit = Parameters<typeof createJobAnnouncement>[0]

/** The node tests' competition: `reach-1`, one task (`toy/point-reach-v1` unless `envId` says otherwise). */
export function reachManifest(o: Partial<ManifestInit> & { envId?: string } = {}): CompetitionManifest {
  const { envId = 'toy/point-reach-v1', ...rest } = o
  return createCompetitionManifest({
    netuid: 1,
    block: 1,
    id: 'reach-1',
    name: 'reach',
    tasks: [{ envId, taskId: 'reach-0' }],
    episodesPerTask: 1,
    maxSteps: 40,
    scoring: { strategy: 'winner-take-all' },
    startBlock: 0,
    points: 1,
    cycleLengthBlocks: 100,
    ...rest,
  })
}

/** A job announcement of `reach-1` for `commitment` (miner key filled with `miner`). */
export function reachAnnouncement(
  o: Partial<AnnouncementInit> & { commitment: string; miner?: number },
): JobAnnouncement {
  const { miner = 4, ...rest } = o
  return createJobAnnouncement({
    netuid: 1,
    block: 5,
    competitionId: 'reach-1',
    minerHotkey: new Uint8Array(32).fill(miner),
    minerUid: 3,
    commitmentBlock: 2,
    cycle: 1,
    cycleStartBlock: 0,
    cycleStartBlockHash: new Uint8Array(32).fill(7),
    ...rest,
  })
}

/** Both, as `Evaluation.evaluate` takes them. */
export function reachJob(
  announcement: Parameters<typeof reachAnnouncement>[0],
  manifest: Parameters<typeof reachManifest>[0] = {},
): EvaluationJob {
  return { announcement: reachAnnouncement(announcement), manifest: reachManifest(manifest) }
}
