import type { FeedEventInput } from '../feeds/types.js'
import type { IndexedMessage } from '../store/types.js'

/** What the observer knows about a job, to route its statuses (which carry only the job id). */
export type JobLookup = (jobId: string) => { competitionId: string; minerHotkey: string } | undefined

/**
 * The feed event for a newly stored message, routed to every channel that covers it: the kind's own
 * channel, its competition and its miner. Events carry the original envelope so clients can verify.
 */
export function feedEventOf(row: IndexedMessage & { seq: number }, jobs: JobLookup): FeedEventInput | undefined {
  const p = row.projection
  const base = { envelope: row.envelope }
  switch (p.kind) {
    case 'result':
      return {
        ...base,
        kind: 'result',
        data: p.result,
        channels: ['results', `competition:${p.result.competitionId}`, `miner:${p.result.minerHotkey}`],
      }
    case 'job':
      return {
        ...base,
        kind: 'job',
        data: p.job,
        channels: ['jobs', `competition:${p.job.competitionId}`, `miner:${p.job.minerHotkey}`],
      }
    case 'status': {
      const job = jobs(p.status.jobId)
      const channels = ['jobs']
      if (job !== undefined) channels.push(`competition:${job.competitionId}`, `miner:${job.minerHotkey}`)
      return { ...base, kind: 'status', data: { ...p.status, ...(job ?? {}) }, channels }
    }
    case 'weights':
      return { ...base, kind: 'weights', data: p.weights, channels: ['validators'] }
    case 'peer':
      return { ...base, kind: 'peer', data: p.peer, channels: ['validators'] }
    case 'none':
      return undefined
    case 'competition':
      return {
        ...base,
        kind: 'competition',
        data: p.competition,
        channels: ['jobs', `competition:${p.competition.id}`],
      }
  }
}
