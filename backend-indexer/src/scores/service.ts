import {
  aggregateResults,
  type Chain,
  type CompetitionManifest,
  computeWeights,
  type Logger,
  type Metagraph,
  type OwnerActionRecord,
  type ReplicaResult,
  type ScoringInput,
  type ScoringOutput,
  scoringInputFromMesh,
  wilson,
} from '#protocol'
import type { CompetitionStanding, EnvStanding, LeaderboardEntry, ScoreSnapshot, ScoresView } from './types.js'

/** Inputs of {@link createScores}. */
export interface ScoresInit {
  chain: Chain
  manifests: () => readonly CompetitionManifest[]
  metagraph: () => Metagraph | undefined
  head: () => number
  /** Every accepted result, as the observer holds them (a validator's latest per job counts). */
  results: () => Iterable<ReplicaResult>
  /** Subnet-owner actions (approvals, reruns): the nodes' scoring input takes them too. @default none */
  ownerActions?: () => readonly OwnerActionRecord[]
  /**
   * Awaited before each computation: the indexer flushes its batch writer, so every result a snapshot counts
   * is already in the store and the API never shows a score whose results it cannot list yet.
   */
  settle?: () => Promise<void>
  /** Shortest gap between two recomputations, ms (results arrive in bursts at cycle ends). @default 500 */
  minIntervalMs?: number
  logger: Logger
}

/** The scores service: recomputes on demand, at most once per `minIntervalMs`. */
export interface Scores extends ScoresView {
  /** Ask for a recomputation (coalesced). */
  invalidate(): void
  /** Recompute now and return the snapshot (also used by `audit` and tests). */
  compute(opts?: { signal?: AbortSignal }): Promise<ScoreSnapshot | undefined>
  stop(): void
}

/**
 * The nodes' scoring function over the indexer's log: `scoringInputFromMesh` (reproduction rule,
 * stake-weighted median) then `computeWeights`, exactly what a validator's weight setter runs, so the
 * digest and u16 vector equal a node's when both hold the same messages.
 */
export function createScores(init: ScoresInit): Scores {
  const log = init.logger.child('indexer:scores')
  const minInterval = init.minIntervalMs ?? 500
  const listeners = new Set<(s: ScoreSnapshot) => void>()
  let current: ScoreSnapshot | undefined
  let timer: NodeJS.Timeout | undefined
  let running: Promise<ScoreSnapshot | undefined> | undefined
  let dirty = false
  let lastRun = 0
  let stopped = false

  async function compute(opts: { signal?: AbortSignal } = {}): Promise<ScoreSnapshot | undefined> {
    // Results first, then settle: everything this snapshot counts was accepted before the flush began.
    const results = [...init.results()]
    await init.settle?.()
    const graph = init.metagraph() ?? (await init.chain.metagraph(opts))
    const commitments = await init.chain.commitments(opts)
    const manifests = init.manifests()
    const input = scoringInputFromMesh({
      manifests,
      commitments: commitments.map((c) => ({ hotkey: c.hotkey, block: c.block })),
      metagraph: graph.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey, stake: n.stake })),
      results,
      ownerActions: init.ownerActions?.() ?? [],
    })
    const output = computeWeights(input)
    const snapshot: ScoreSnapshot = {
      block: init.head(),
      computedAt: Date.now(),
      results: results.length,
      input,
      output,
      competitions: standings(manifests, input, output),
    }
    current = snapshot
    for (const l of listeners) {
      try {
        l(snapshot)
      } catch (err) {
        log.warn('scores listener failed', {}, err)
      }
    }
    return snapshot
  }

  function run(): void {
    if (stopped) return
    if (running !== undefined) {
      dirty = true
      return
    }
    lastRun = Date.now()
    dirty = false
    running = compute()
      .catch((err) => {
        log.warn('score computation failed', {}, err)
        return undefined
      })
      .finally(() => {
        running = undefined
        if (dirty) schedule()
      })
  }

  function schedule(): void {
    if (timer !== undefined || stopped) return
    const wait = Math.max(0, lastRun + minInterval - Date.now())
    timer = setTimeout(() => {
      timer = undefined
      run()
    }, wait)
  }

  return {
    current: () => current,
    onUpdate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    invalidate: schedule,
    async compute(opts) {
      return compute(opts)
    },
    stop() {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
    },
  }
}

/** Per competition: entries ranked by points, then weight, then hotkey, with per-env figures. */
export function standings(
  manifests: readonly CompetitionManifest[],
  input: ScoringInput,
  output: ScoringOutput,
): CompetitionStanding[] {
  const aggregated = aggregateResults(input.results)
  const commitBlock = new Map(input.commitments.map((c) => [c.hotkey, c.block]))
  return manifests.map((m) => {
    const perMiner = aggregated.get(m.id) ?? new Map()
    const report = output.competitions.find((c) => c.id === m.id)
    const hotkeys = new Set<string>([...perMiner.keys()])
    for (const s of output.miners) if (s.pointsByCompetition[m.id] !== undefined) hotkeys.add(s.hotkey)
    const byHotkey = new Map(output.miners.map((s) => [s.hotkey, s]))
    const entries: Omit<LeaderboardEntry, 'rank'>[] = [...hotkeys].map((hotkey) => {
      const s = byHotkey.get(hotkey)
      const envs: EnvStanding[] = []
      for (const [envId, e] of perMiner.get(hotkey) ?? new Map()) {
        const successes = Math.round(e.successRate * e.episodes)
        const ci = wilson(successes, e.episodes)
        envs.push({
          envId,
          successRate: e.successRate,
          episodes: e.episodes,
          successes,
          wilsonLow: ci.low,
          wilsonHigh: ci.high,
          validators: e.validators,
        })
      }
      envs.sort((a, b) => (a.envId < b.envId ? -1 : a.envId > b.envId ? 1 : 0))
      return {
        hotkey,
        uid: s?.uid ?? input.metagraph.find((n) => n.hotkey === hotkey)?.uid ?? null,
        points: s?.pointsByCompetition[m.id] ?? 0,
        weight: s?.weight ?? 0,
        u16: s?.u16 ?? 0,
        commitmentBlock: commitBlock.get(hotkey) ?? null,
        envs,
      }
    })
    entries.sort(
      (a, b) =>
        b.points - a.points ||
        b.weight - a.weight ||
        meanRate(b.envs) - meanRate(a.envs) ||
        (a.hotkey < b.hotkey ? -1 : 1),
    )
    return {
      id: m.id,
      name: m.name,
      strategy: m.scoring?.strategy ?? '',
      points: m.points,
      entries: entries.map((e, i) => ({ ...e, rank: i + 1 })),
      details: report?.details ?? null,
    }
  })
}

function meanRate(envs: readonly EnvStanding[]): number {
  if (envs.length === 0) return 0
  return envs.reduce((a, e) => a + e.successRate, 0) / envs.length
}
