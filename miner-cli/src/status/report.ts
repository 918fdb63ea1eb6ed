/**
 * Where a miner's policy stands, gathered from the indexer in two requests: the miner page (commitment,
 * standings with per-task Wilson intervals, recent jobs) and its newest failed episodes (failure codes).
 */
import type { IndexerClient, JobView } from './client.js'
import { type FailureSummary, summarizeFailures } from './failures.js'

/** One task's figures in a competition, as scoring counted them. */
export interface TaskStanding {
  envId: string
  successRate: number
  successes: number
  episodes: number
  /** Wilson 95 % interval. */
  low: number
  high: number
  validators: number
}

/** One job: a (commitment, competition, cycle) and each assigned validator's latest state. */
export interface JobStanding {
  jobId: string
  competitionId: string
  cycle: number
  commitmentBlock: number
  validators: Array<{
    validator: string
    state: string
    episodesDone: number
    episodesTotal: number
    detail: string
    block: number
  }>
  /** Validators whose signed result the indexer holds. */
  results: number
}

/** `kinitro miner status --json`. */
export interface MinerStatus {
  indexer: string
  hotkey: string
  uid: number | null
  /** Share of the whole weight vector (0…1) and the u16 a validator sets for the uid. */
  weight: number
  u16: number
  commitment: { text: string; block: number; seenAt: number } | null
  competitions: Array<{ competitionId: string; rank: number; points: number; tasks: TaskStanding[] }>
  /** Newest first. */
  jobs: JobStanding[]
  failures: {
    /** Failed episodes read (the newest ones, up to the scan size). */
    scanned: number
    /** Of those, episodes that ended normally without solving the task (no failure code). */
    unsolved: number
    codes: FailureSummary[]
  }
}

function jobStanding(j: JobView): JobStanding {
  return {
    jobId: j.jobId,
    competitionId: j.competitionId,
    cycle: j.cycle,
    commitmentBlock: j.commitmentBlock,
    validators: j.statuses.map((s) => ({
      validator: s.validator,
      state: s.state,
      episodesDone: s.episodesDone,
      episodesTotal: s.episodesTotal,
      detail: s.detail,
      block: s.block,
    })),
    results: j.results.length,
  }
}

/**
 * Gather the miner's status.
 *
 * @throws {@link StatusError} `MINER_STATUS_NOT_FOUND`, `MINER_STATUS_INDEXER_UNREACHABLE`, `MINER_STATUS_BAD_RESPONSE`.
 */
export async function minerStatus(client: IndexerClient, hotkey: string, scan: number): Promise<MinerStatus> {
  // The miner page first: an unknown hotkey should fail as such, not as an empty episode list.
  const miner = await client.miner(hotkey)
  const failed = await client.failedEpisodes(hotkey, scan)
  const latest = miner.commitments[0]
  return {
    indexer: client.url,
    hotkey,
    uid: miner.uid,
    weight: miner.weight,
    u16: miner.u16,
    commitment: latest === undefined ? null : { text: latest.text, block: latest.block, seenAt: latest.seenAt },
    competitions: miner.standings.map((s) => ({
      competitionId: s.competitionId,
      rank: s.rank,
      points: s.points,
      tasks: s.envs.map((e) => ({
        envId: e.envId,
        successRate: e.successRate,
        successes: e.successes,
        episodes: e.episodes,
        low: e.wilsonLow,
        high: e.wilsonHigh,
        validators: e.validators,
      })),
    })),
    jobs: miner.recentJobs.map(jobStanding),
    failures: {
      scanned: failed.length,
      unsolved: failed.filter((e) => e.error === null).length,
      codes: summarizeFailures(failed.flatMap((e) => (e.error === null ? [] : [e.error]))),
    },
  }
}
