import { createHash } from 'node:crypto'
import { type Metagraph, mulberry32, ss58FromPublicKey, wilson } from '#protocol'
import type { ScoreSnapshot } from '../../../src/scores/types.js'
import type {
  CommitmentRow,
  CompetitionRow,
  EpisodeRow,
  IndexedMessage,
  JobRow,
  JobStatusRow,
  PeerRow,
  Projection,
  ResultRow,
  SummaryFigures,
  WeightsRow,
} from '../../../src/store/types.js'
import { COMPETITIONS, RECEIVED_AT, STRATEGY } from './dataset-constants.js'
import { scoreSnapshot } from './dataset-scores.js'

// A mesh's worth of already-verified messages, built as the observer would hand them to `store.ingest()`:
// competitions, peer records, and per cycle one job per (competition, miner) that every validator claims,
// finishes and reports with episodes; then weights announcements against a real `computeWeights` run.
// Deterministic for a seed. Used by the API tests (small) and the API bench (50 miners × 3 × 20 cycles).

/** Sizes of a {@link buildDataset} world. */
export interface DatasetInit {
  miners: number
  validators: number
  cycles: number
  /** 1 or 2 (`reach` with two environments, `pick` with one). @default 2 */
  competitions?: number
  /** Episodes per environment in each result. @default 2 */
  episodesPerEnv?: number
  /** Envelope bytes of a result message (others are a quarter of it). @default 1024 */
  envelopeBytes?: number
  /** @default 1 */
  seed?: number
}

/** What {@link buildDataset} made, with the rows each message projects to, for assertions. */
export interface Dataset {
  validators: string[]
  miners: string[]
  /** A miner with a commitment on chain and nothing else. */
  committedOnly: string
  competitions: CompetitionRow[]
  jobs: JobRow[]
  statuses: JobStatusRow[]
  results: ResultRow[]
  episodes: EpisodeRow[]
  peers: PeerRow[]
  weights: WeightsRow[]
  commitments: CommitmentRow[]
  /** Every message, ingest order. */
  messages: IndexedMessage[]
  metagraph: Metagraph
  snapshot: ScoreSnapshot
  head: number
}

const CYCLE_BLOCKS = 50
const FIRST_CYCLE_BLOCK = 1000
const sha = (s: string | Uint8Array): Buffer => createHash('sha256').update(s).digest()
const hex32 = (label: string): string => sha(label).toString('hex')

/** A deterministic SS58 hotkey and its public key hex for `label`. */
export function hotkeyOf(label: string): { ss58: string; signer: string } {
  const pk = sha(`hotkey:${label}`)
  return { ss58: ss58FromPublicKey(pk), signer: pk.toString('hex') }
}

function envelopeOf(label: string, bytes: number): Uint8Array {
  const out = Buffer.alloc(bytes)
  let block = sha(label)
  for (let off = 0; off < bytes; off += 32) {
    block.copy(out, off)
    block = sha(block)
  }
  return out
}

function summary(episodes: number, successes: number, meanReward: number): SummaryFigures {
  const ci = wilson(successes, episodes)
  return {
    episodes,
    successes,
    successRate: episodes === 0 ? 0 : successes / episodes,
    wilsonLow: ci.low,
    wilsonHigh: ci.high,
    meanReward,
  }
}

/** Build a deterministic world of `init` size. */
export function buildDataset(init: DatasetInit): Dataset {
  const rand = mulberry32(init.seed ?? 1)
  const perEnv = init.episodesPerEnv ?? 2
  const resultBytes = init.envelopeBytes ?? 1024
  const comps = COMPETITIONS.slice(0, init.competitions ?? 2)
  const vals = Array.from({ length: init.validators }, (_, i) => hotkeyOf(`validator-${i}`))
  const mins = Array.from({ length: init.miners }, (_, i) => hotkeyOf(`miner-${i}`))
  const lonely = hotkeyOf('miner-committed-only')
  const skill = mins.map(() => 0.2 + 0.7 * rand())
  const uidOf = new Map<string, number>([
    ...vals.map((v, i) => [v.ss58, i] as const),
    ...mins.map((m, i) => [m.ss58, init.validators + i] as const),
    [lonely.ss58, init.validators + init.miners],
  ])
  const d: Dataset = {
    validators: vals.map((v) => v.ss58),
    miners: mins.map((m) => m.ss58),
    committedOnly: lonely.ss58,
    competitions: [],
    jobs: [],
    statuses: [],
    results: [],
    episodes: [],
    peers: [],
    weights: [],
    commitments: [],
    messages: [],
    metagraph: {
      netuid: 1,
      block: 0,
      neurons: [...uidOf].map(([hotkey, uid]) => ({
        uid,
        hotkey,
        coldkey: hotkey,
        stake: uid < init.validators ? BigInt(1_000_000_000_000 * (uid + 1)) : 0n,
        validatorPermit: uid < init.validators,
        active: true,
        lastUpdate: 0,
        blockAtRegistration: 1,
      })),
    },
    snapshot: undefined as unknown as ScoreSnapshot,
    head: 0,
  }
  const push = (
    label: string,
    topic: IndexedMessage['topic'],
    type: string,
    block: number,
    who: { ss58: string; signer: string },
    bytes: number,
    project: (id: string) => Projection,
  ): string => {
    const envelope = envelopeOf(label, bytes)
    const id = sha(envelope).toString('hex')
    const projection = project(id)
    d.messages.push({
      id,
      topic,
      type,
      block,
      signer: who.signer,
      hotkey: who.ss58,
      receivedAt: RECEIVED_AT + d.messages.length,
      envelope,
      projection,
    })
    d.head = Math.max(d.head, block)
    return id
  }
  const owner = hotkeyOf('owner')
  const small = Math.max(64, resultBytes >> 2)

  for (const c of comps) {
    push(`competition:${c.id}`, 'competitions', 'competition-manifest', 10, owner, small, (messageId) => {
      const row: CompetitionRow = {
        id: c.id,
        name: c.name,
        block: 10,
        messageId,
        points: c.points,
        startBlock: FIRST_CYCLE_BLOCK,
        endBlock: 0,
        cycleLengthBlocks: CYCLE_BLOCKS,
        episodesPerTask: perEnv,
        maxSteps: 200,
        strategy: STRATEGY,
        params: { minEpisodes: 1 },
        tasks: c.envIds.map((envId) => ({ envId, taskId: `${envId}/default`, params: { seedSpace: 'u64' } })),
      }
      d.competitions.push(row)
      return { kind: 'competition', competition: row }
    })
  }
  vals.forEach((v, i) => {
    push(`peer:${i}`, 'peers', 'peer-record', 20, v, small, (messageId) => {
      const peer: PeerRow = {
        validator: v.ss58,
        peerId: `12D3KooW${hex32(`peer:${i}`).slice(0, 44)}`,
        multiaddrs: [`/ip4/127.0.0.1/tcp/${4001 + i}`],
        issuedAtBlock: 20,
        expiresAtBlock: 1_000_000,
        capacity: 4,
        families: ['mujoco'],
        messageId,
      }
      d.peers.push(peer)
      return { kind: 'peer', peer }
    })
  })
  mins.forEach((m, i) => {
    const row = { minerHotkey: m.ss58, uid: uidOf.get(m.ss58)!, text: `hf:kinitro/policy-${i}@v1`, seenAt: RECEIVED_AT }
    // Miner 0 re-committed: its history has two rows.
    if (i === 0) d.commitments.push({ ...row, block: 30, text: 'hf:kinitro/policy-0@v0' })
    d.commitments.push({ ...row, block: 40 + i })
  })
  d.commitments.push({
    minerHotkey: lonely.ss58,
    uid: uidOf.get(lonely.ss58)!,
    block: 35,
    text: 'hf:x@1',
    seenAt: RECEIVED_AT,
  })
  const commitOf = new Map(d.commitments.map((c) => [c.minerHotkey, c]))

  for (let cycle = 0; cycle < init.cycles; cycle++) {
    const start = FIRST_CYCLE_BLOCK + cycle * CYCLE_BLOCKS
    comps.forEach((c, ci) => {
      mins.forEach((m, mi) => {
        const commit = commitOf.get(m.ss58)!
        const jobId = hex32(`job:${c.id}:${mi}:${cycle}`)
        const announcer = vals[(mi + cycle) % vals.length]!
        push(`job:${jobId}`, 'jobs', 'job-announcement', start + 1, announcer, small, (messageId) => {
          const job: JobRow = {
            jobId,
            competitionId: c.id,
            minerHotkey: m.ss58,
            minerUid: commit.uid!,
            commitment: commit.text,
            commitmentBlock: commit.block,
            cycle,
            cycleStartBlock: start,
            block: start + 1,
            announcedBy: announcer.ss58,
            messageId,
          }
          d.jobs.push(job)
          return { kind: 'job', job }
        })
        vals.forEach((v, vi) => {
          const total = perEnv * c.envIds.length
          push(`status:${jobId}:${vi}`, 'status', 'job-status', start + 5 + vi, v, small, (messageId) => {
            const status: JobStatusRow = {
              jobId,
              validator: v.ss58,
              state: 'done',
              episodesDone: total,
              episodesTotal: total,
              detail: '',
              block: start + 5 + vi,
              messageId,
            }
            d.statuses.push(status)
            return { kind: 'status', status }
          })
          const block = start + 10 + vi + ci
          push(`result:${jobId}:${vi}`, 'results', 'result', block, v, resultBytes, (messageId) => {
            const episodes: EpisodeRow[] = []
            const envs = c.envIds.map((envId) => {
              let successes = 0
              let reward = 0
              for (let k = 0; k < perEnv; k++) {
                const success = rand() < skill[mi]!
                const totalReward = success ? 1 + rand() : rand()
                successes += success ? 1 : 0
                reward += totalReward
                episodes.push({
                  resultId: messageId,
                  jobId,
                  validator: v.ss58,
                  minerHotkey: m.ss58,
                  competitionId: c.id,
                  block,
                  envId,
                  taskId: `${envId}/default`,
                  episodeIndex: episodes.length,
                  seed: String(BigInt(`0x${hex32(`seed:${jobId}:${envId}:${k}`).slice(0, 15)}`)),
                  success,
                  totalReward,
                  steps: success ? 40 + Math.floor(rand() * 100) : 200,
                  durationMs: 500 + Math.floor(rand() * 1000),
                  error: success || rand() < 0.8 ? null : 'policy_timeout',
                  finalStateHash: hex32(`state:${jobId}:${vi}:${envId}:${k}`),
                })
              }
              return { envId, ...summary(perEnv, successes, reward / perEnv) }
            })
            const all = envs.reduce((a, e) => ({ n: a.n + e.episodes, s: a.s + e.successes }), { n: 0, s: 0 })
            const meanReward = envs.reduce((a, e) => a + e.meanReward, 0) / envs.length
            const result: ResultRow = {
              ...summary(all.n, all.s, meanReward),
              messageId,
              jobId,
              validator: v.ss58,
              competitionId: c.id,
              minerHotkey: m.ss58,
              block,
              startedAtBlock: start + 2,
              finishedAtBlock: block - 1,
              perEnv: envs,
              evaluatorVersion: '0.1.0',
              simulatorVersion: 'mujoco-3.3.0',
              artifactUris: [`s3://kinitro-artifacts/${jobId}/${vi}`],
              trajectoryDigest: hex32(`trajectory:${jobId}:${vi}`),
            }
            d.results.push(result)
            d.episodes.push(...episodes)
            return { kind: 'result', result, episodes }
          })
        })
      })
    })
  }

  d.snapshot = scoreSnapshot(d, comps, init.validators)
  const digest = d.snapshot.output.inputsDigest
  vals.forEach((v, vi) => {
    const block = d.head + 5 + vi
    push(`weights:${vi}`, 'weights', 'weights-announcement', block, v, small, (messageId) => {
      // Validator 0 scored what the indexer scored; the others announce a stale digest.
      const weights: WeightsRow = {
        messageId,
        validator: v.ss58,
        block,
        uids: d.snapshot.output.u16.uids,
        weights: d.snapshot.output.u16.values,
        inputsDigest: vi === 0 ? digest : hex32(`stale:${vi}`),
        versionKey: '1',
        strategy: STRATEGY,
      }
      d.weights.push(weights)
      return { kind: 'weights', weights }
    })
  })
  d.metagraph.block = d.head
  return d
}
