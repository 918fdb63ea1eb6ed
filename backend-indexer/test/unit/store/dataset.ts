/**
 * A small mesh history (2 competitions × 3 miners × 2 cycles, 3 validators) as messages plus the rows the
 * store should hold afterwards, so the contract suite checks every filter against a model.
 */
import type {
  CommitmentRow,
  EpisodeRow,
  IndexedMessage,
  JobRow,
  JobStatusRow,
  ResultRow,
  WeightsRow,
} from '../../../src/store/index.js'
import { competitionMsg, hotkey, jobMsg, peerMsg, resultMsg, statusMsg, weightsMsg } from './fixtures.js'

export const COMPETITIONS = ['push-v1', 'reach-v1'] as const
export const MINERS = [hotkey('minerA'), hotkey('minerB'), hotkey('minerC')] as const
export const VALIDATORS = [hotkey('valA'), hotkey('valB'), hotkey('valC')] as const
export const CYCLES = [1, 2] as const
export const ENVS = ['push', 'reach'] as const

export interface Dataset {
  /** Everything, in ingest order. */
  messages: IndexedMessage[]
  jobs: JobRow[]
  statuses: JobStatusRow[]
  results: ResultRow[]
  episodes: EpisodeRow[]
  weights: WeightsRow[]
  commitments: CommitmentRow[]
}

/** Build the history. Each job gets a `done` status and a result from valA; even jobs also a valB status and result. */
export function buildDataset(): Dataset {
  const d: Dataset = { messages: [], jobs: [], statuses: [], results: [], episodes: [], weights: [], commitments: [] }
  const [valA, valB, valC] = VALIDATORS
  for (const [i, v] of VALIDATORS.entries()) d.messages.push(peerMsg({ validator: v, issuedAtBlock: 10 + i }))
  for (const c of COMPETITIONS) d.messages.push(competitionMsg({ competitionId: c, block: 20 }))
  let n = 0
  for (const cycle of CYCLES) {
    for (const competitionId of COMPETITIONS) {
      for (const minerHotkey of MINERS) {
        const block = cycle * 100 + n
        const jm = jobMsg({ competitionId, minerHotkey, cycle, block, announcedBy: valA })
        if (jm.projection.kind !== 'job') throw new Error('unreachable')
        const jobId = jm.projection.job.jobId
        d.messages.push(jm)
        d.jobs.push(jm.projection.job)
        // Both results of a job share a block, so the (block, id) tie-break is exercised.
        const resultBlock = block + 5
        const validators = n % 2 === 0 ? [valA, valB] : [valA]
        for (const validator of validators) {
          const state = validator === valA ? 'done' : 'running'
          const sm = statusMsg({ jobId, validator, state, block: block + 3 })
          const rm = resultMsg({ jobId, validator, competitionId, minerHotkey, block: resultBlock, envs: [...ENVS] })
          if (sm.projection.kind !== 'status' || rm.projection.kind !== 'result') throw new Error('unreachable')
          d.messages.push(sm, rm)
          d.statuses.push(sm.projection.status)
          d.results.push(rm.projection.result)
          d.episodes.push(...rm.projection.episodes)
        }
        n += 1
      }
    }
  }
  for (const block of [150, 250, 350]) {
    for (const validator of [valA, valB, valC]) {
      const wm = weightsMsg({ validator, block })
      if (wm.projection.kind !== 'weights') throw new Error('unreachable')
      d.messages.push(wm)
      d.weights.push(wm.projection.weights)
    }
  }
  for (const [i, minerHotkey] of MINERS.entries()) {
    // Every miner committed at block 5 too, so (block, hotkey) ordering is exercised.
    for (const block of [5, 40 + i * 10]) {
      d.commitments.push({
        minerHotkey,
        uid: i + 1,
        block,
        text: `hf:${minerHotkey}@${block}`,
        seenAt: 1_700_000_000_000 + block,
      })
    }
  }
  return d
}

/** Compare by keys descending (numbers numerically, hex/strings bytewise). */
export function desc<T>(...keys: ((row: T) => number | string)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = k(a)
      const y = k(b)
      if (x !== y) return x < y ? 1 : -1
    }
    return 0
  }
}
