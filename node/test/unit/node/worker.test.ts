import { afterEach, describe, expect, it } from 'vitest'
import type { EpisodeOutcome } from '#evaluator'
import { createManifestRegistry, encodeBody, JobState, type JobStatus, nodeKeyFromSeed, silentLogger } from '#protocol'
import { until } from '../../../../test/utils/until.js'
import type { Evaluation } from '../../../src/node/evaluation.js'
import type { OwnMessages } from '../../../src/node/own.js'
import { createWorker, STATUS_INTERVAL_BLOCKS, type Worker } from '../../../src/node/worker.js'
import { createStore, type Store } from '../../../src/store/index.js'
import { reachAnnouncement, reachManifest } from './fixtures.js'

const EPISODES = 40
const START = 10

const manifest = reachManifest({ episodesPerTask: EPISODES, maxSteps: 10 })
const announcement = reachAnnouncement({ commitment: 'k1:miner/policy@0000000000000000000000000000000000000000#00' })

const outcome = (i: number): EpisodeOutcome => ({
  envId: 'toy/point-reach-v1',
  taskId: 'reach-0',
  episodeIndex: i,
  seed: i,
  success: true,
  successAtEnd: true,
  totalReward: 1,
  steps: 10,
  durationMs: 1,
  latencyP50Ms: 1,
  latencyP99Ms: 1,
  latencyMaxMs: 1,
  finalStateHash: '00'.repeat(32),
  simulator: { name: 'toy', version: '1' },
})

interface Sent {
  state: number
  block: number
  done: number
}

describe('evaluation worker statuses', () => {
  let store: Store | undefined
  let worker: Worker | undefined
  afterEach(async () => {
    await worker?.stop()
    store?.close()
  })

  async function start(evaluate: Evaluation['evaluate'], head: () => number): Promise<Sent[]> {
    store = createStore()
    const sent: Sent[] = []
    const own: OwnMessages = {
      record(type, body) {
        if (type === 'job-status') {
          const s = body as JobStatus
          sent.push({ state: s.state, block: s.block, done: s.progress?.episodesDone ?? 0 })
        }
        return new Uint8Array()
      },
    }
    const manifests = createManifestRegistry()
    manifests.add(manifest)
    store.queue.enqueue({ id: 'job-1', payload: encodeBody('job-announcement', announcement) })
    worker = createWorker({
      name: 'w0',
      store,
      evaluation: { evaluate, close: async () => {} },
      manifests,
      own,
      netuid: 1,
      nodeSigner: (await nodeKeyFromSeed(new Uint8Array(32).fill(1))).signer,
      hotkey: '5Validator',
      head,
      logger: silentLogger,
      leaseMs: 300,
      pollMs: 20,
    })
    worker.start()
    return sent
  }

  it('sends progress once per STATUS_INTERVAL_BLOCKS, not once per block, while episodes finish', async () => {
    let head = START
    const sent = await start(
      async (_job, { onProgress }) => {
        // One episode per block.
        for (let i = 0; i < EPISODES; i++) {
          head++
          onProgress?.(i + 1, EPISODES)
        }
        return { episodes: Array.from({ length: EPISODES }, (_, i) => outcome(i)), isolation: 'none' }
      },
      () => head,
    )
    await until('job done', () => sent.some((s) => s.state === JobState.DONE), { intervalMs: 10 })
    const running = sent.filter((s) => s.state === JobState.RUNNING)
    expect(running[0]).toEqual({ state: JobState.RUNNING, block: START, done: 0 })
    // Blocks 15, 20, …, 45: 40 episodes over 40 blocks give 7 progress statuses, not 39.
    expect(running.slice(1).map((s) => s.block)).toEqual([15, 20, 25, 30, 35, 40, 45])
    expect(running.slice(1).map((s) => s.done)).toEqual([5, 10, 15, 20, 25, 30, 35])
    expect(sent.at(-1)).toEqual({ state: JobState.DONE, block: START + EPISODES, done: EPISODES })
  })

  it('keeps an assignee alive inside a long episode: a status every STATUS_INTERVAL_BLOCKS without progress', async () => {
    let head = START
    let finish: () => void = () => {}
    const sent = await start(
      async () => {
        await new Promise<void>((resolve) => {
          finish = resolve
        })
        return { episodes: Array.from({ length: EPISODES }, (_, i) => outcome(i)), isolation: 'none' }
      },
      () => head,
    )
    await until('first status', () => sent.length === 1, { intervalMs: 10 })
    head += STATUS_INTERVAL_BLOCKS - 1
    // The heartbeat runs every 100 ms (leaseMs / 3); nothing is due one block short of the interval.
    await new Promise((r) => setTimeout(r, 350))
    expect(sent).toHaveLength(1)
    head += 1
    await until('heartbeat status', () => sent.length === 2, { intervalMs: 10 })
    expect(sent[1]).toEqual({ state: JobState.RUNNING, block: START + STATUS_INTERVAL_BLOCKS, done: 0 })
    finish()
    await until('job done', () => sent.some((s) => s.state === JobState.DONE), { intervalMs: 10 })
  })
})
