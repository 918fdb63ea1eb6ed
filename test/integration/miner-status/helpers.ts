import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CommanderError } from 'commander'
import {
  buildApp,
  createFeedHub,
  type FeedHub,
  type IndexerStore,
  type ScoreSnapshot,
  type ScoresView,
  standings,
} from '#indexer'
import { minerCommand } from '#miner'
import {
  type CompetitionManifest,
  computeWeights,
  createCompetitionManifest,
  type ScoringInput,
  type ValidatorResult,
} from '#protocol'
import { buildDataset, type Dataset } from '../../../backend-indexer/test/unit/api/dataset.js'
import { filledStore } from '../../../backend-indexer/test/unit/api/helpers.js'

// A real indexer app (SQLite store, REST, the realtime feed) on a real port, over the indexer tests' own
// dataset (commitments, jobs, results and episodes with failure codes), with scores from a hand-built input:
// one competition `reach` (kinitro-subset-v1, task reach-v0, 40 episodes each). Miner 0 committed at block
// 100 with 0.80 (threshold 0.8 + 1.5·√(0.16/50) = 0.884853); miner 1 at block 200 with 0.85, short of it by
// 0.034853 (36/40 = 0.900 would clear it). Miner 2 has no score until a test adds one.

/** The running indexer and the handles a test drives it with. */
export interface IndexerFixture {
  url: string
  d: Dataset
  miners: [string, string, string]
  store: IndexerStore
  hub: FeedHub
  /** Replace the score snapshot and announce it on the feed's `scores` channel, as the indexer does. */
  publishScores(rates: ReadonlyArray<readonly [hotkey: string, block: number, rate: number]>): ScoreSnapshot
  /** Cut every open TCP connection (feed sockets included), as a restart or a network blip would. */
  dropConnections(): number
  stop(): Promise<void>
}

const manifest: CompetitionManifest = createCompetitionManifest({
  netuid: 1,
  block: 10,
  id: 'reach',
  name: 'Reach',
  tasks: [{ envId: 'reach-v0', taskId: 'reach-v0/default' }],
  episodesPerTask: 40,
  maxSteps: 200,
  scoring: { strategy: 'kinitro-subset-v1' },
  startBlock: 1000,
  points: 1,
  cycleLengthBlocks: 50,
})

/** The score snapshot of `rates` (hotkey, commitment block, reach-v0 success rate over 40 episodes). */
export function snapshotOf(d: Dataset, rates: ReadonlyArray<readonly [string, number, number]>): ScoreSnapshot {
  const results: ValidatorResult[] = rates.map(([miner, , successRate]) => ({
    validator: d.validators[0] as string,
    stake: 1,
    miner,
    competitionId: 'reach',
    envId: 'reach-v0',
    successRate,
    episodes: 40,
  }))
  const input: ScoringInput = {
    competitions: [{ id: 'reach', strategy: 'kinitro-subset-v1', envIds: ['reach-v0'] }],
    commitments: rates.map(([hotkey, block]) => ({ hotkey, block })),
    results,
    metagraph: d.metagraph.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey })),
  }
  const output = computeWeights(input)
  return {
    block: 2000,
    computedAt: Date.now(),
    results: results.length,
    input,
    output,
    competitions: standings([manifest], input, output),
  }
}

/** What the indexer sends on the `scores` channel (indexer.ts `scoresEvent`). */
function scoresEvent(s: ScoreSnapshot) {
  return {
    block: s.block,
    computedAt: s.computedAt,
    inputsDigest: s.output.inputsDigest,
    competitions: s.competitions.map(({ details: _, ...c }) => c),
  }
}

/** Start the indexer on 127.0.0.1 with a free port. */
export async function startIndexer(): Promise<IndexerFixture> {
  const d = buildDataset({ miners: 3, validators: 3, cycles: 2 })
  const miners = d.miners as [string, string, string]
  const store = await filledStore(d)
  let current = snapshotOf(d, [
    [miners[0], 100, 0.8],
    [miners[1], 200, 0.85],
  ])
  const scores: ScoresView = { current: () => current, onUpdate: () => () => {} }
  const hub = createFeedHub({
    snapshot: async (channel) => {
      if (channel === 'scores') return scoresEvent(current)
      if (channel.startsWith('miner:')) return { results: [], jobs: [] }
      return null
    },
  })
  const app = await buildApp({ store, scores, feed: hub, dashboard: false, rateLimit: false })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const sockets = new Set<import('node:net').Socket>()
  app.server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  return {
    url,
    d,
    miners,
    store,
    hub,
    publishScores(rates) {
      current = snapshotOf(d, rates)
      hub.publish({ kind: 'scores', data: scoresEvent(current), channels: ['scores'] })
      return current
    },
    dropConnections() {
      const n = sockets.size
      for (const s of sockets) s.destroy()
      return n
    },
    async stop() {
      await app.close()
      await hub.close()
      await store.close()
    },
  }
}

/** What one CLI run printed and how it ended. */
export interface RunResult {
  /** io.out lines. */
  out: string[]
  /** io.err lines and commander's own error output. */
  err: string[]
  exitCode?: number
  code?: string
}

/**
 * Run `kinitro miner <args>` in-process with output captured; commander's exits become the result. `err`
 * is live (the array fills while the command runs), so a test can wait for a line.
 */
export function runMiner(
  args: string[],
  io: { cwd: string; env?: Record<string, string | undefined> },
): { done: Promise<RunResult>; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  const miner = minerCommand({
    io: { out: (t) => void out.push(t), err: (t) => void err.push(t), isTTY: false, env: io.env ?? {}, cwd: io.cwd },
  })
  for (const c of [miner, ...miner.commands]) {
    c.exitOverride().configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) })
  }
  const done = miner.parseAsync(args, { from: 'user' }).then(
    (): RunResult => ({ out, err }),
    (e: unknown): RunResult => {
      if (!(e instanceof CommanderError)) throw e
      return { out, err, exitCode: e.exitCode, code: e.code }
    },
  )
  return { done, out, err }
}

/** A temp folder and its removal. */
export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kinitro-status-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Resolve once `check()` holds (polling), or fail after `ms`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
