import type { ObserverView } from '../observer/types.js'
import type { EnvStanding, ScoreSnapshot } from '../scores/types.js'
import type { CommitmentRow, IndexerStore, JobView } from '../store/types.js'
import { MAX_COMMITMENT_SCAN, MINER_COMMITMENT_HISTORY, MINER_RECENT_JOBS, SCAN_PAGE } from './constants.js'

/** One line of `/v1/miners`. */
export interface MinerSummary {
  hotkey: string
  uid: number | null
  weight: number
  u16: number
  /** Rank per competition the miner is ranked in. */
  ranks: Record<string, number>
  latestCommitment: CommitmentRow | null
}

/** `/v1/miners/:hotkey`. */
export interface MinerDetail {
  hotkey: string
  uid: number | null
  weight: number
  u16: number
  commitments: CommitmentRow[]
  standings: { competitionId: string; rank: number; points: number; envs: EnvStanding[] }[]
  recentJobs: JobView[]
}

/** Newest commitment per miner (the store pages newest first, so the first row seen per miner wins). */
async function latestCommitments(store: IndexerStore): Promise<Map<string, CommitmentRow>> {
  const latest = new Map<string, CommitmentRow>()
  let cursor: string | undefined
  let scanned = 0
  do {
    const page = await store.commitments(cursor === undefined ? { limit: SCAN_PAGE } : { cursor, limit: SCAN_PAGE })
    for (const row of page.items) if (!latest.has(row.minerHotkey)) latest.set(row.minerHotkey, row)
    scanned += page.items.length
    cursor = page.nextCursor
  } while (cursor !== undefined && scanned < MAX_COMMITMENT_SCAN)
  return latest
}

function uidFromMetagraph(observer: ObserverView | undefined, hotkey: string): number | null {
  return observer?.metagraph()?.neurons.find((n) => n.hotkey === hotkey)?.uid ?? null
}

/**
 * Every miner the indexer knows: those in the newest score snapshot and those with a commitment on chain.
 * Ordered by weight (highest first), then hotkey.
 */
export async function listMiners(
  store: IndexerStore,
  snap: ScoreSnapshot | undefined,
  observer: ObserverView | undefined,
): Promise<MinerSummary[]> {
  const commitments = await latestCommitments(store)
  const scored = new Map((snap?.output.miners ?? []).map((m) => [m.hotkey, m]))
  const ranks = new Map<string, Record<string, number>>()
  for (const c of snap?.competitions ?? []) {
    for (const e of c.entries) {
      const r = ranks.get(e.hotkey) ?? {}
      r[c.id] = e.rank
      ranks.set(e.hotkey, r)
    }
  }
  const hotkeys = new Set([...scored.keys(), ...ranks.keys(), ...commitments.keys()])
  const out: MinerSummary[] = []
  for (const hotkey of hotkeys) {
    const s = scored.get(hotkey)
    const latest = commitments.get(hotkey) ?? null
    out.push({
      hotkey,
      uid: s?.uid ?? latest?.uid ?? uidFromMetagraph(observer, hotkey),
      weight: s?.weight ?? 0,
      u16: s?.u16 ?? 0,
      ranks: ranks.get(hotkey) ?? {},
      latestCommitment: latest,
    })
  }
  return out.sort((a, b) => b.weight - a.weight || (a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0))
}

/** One miner's page; undefined when neither the store nor the scores know the hotkey. */
export async function minerDetail(
  store: IndexerStore,
  snap: ScoreSnapshot | undefined,
  observer: ObserverView | undefined,
  hotkey: string,
): Promise<MinerDetail | undefined> {
  const [commitments, jobs] = await Promise.all([
    store.commitments({ minerHotkey: hotkey, limit: MINER_COMMITMENT_HISTORY }),
    store.jobs({ minerHotkey: hotkey, limit: MINER_RECENT_JOBS }),
  ])
  const score = snap?.output.miners.find((m) => m.hotkey === hotkey)
  const standings: MinerDetail['standings'] = []
  for (const c of snap?.competitions ?? []) {
    const e = c.entries.find((x) => x.hotkey === hotkey)
    if (e !== undefined) standings.push({ competitionId: c.id, rank: e.rank, points: e.points, envs: e.envs })
  }
  if (commitments.items.length === 0 && jobs.items.length === 0 && score === undefined && standings.length === 0) {
    return undefined
  }
  return {
    hotkey,
    uid: score?.uid ?? commitments.items[0]?.uid ?? jobs.items[0]?.minerUid ?? uidFromMetagraph(observer, hotkey),
    weight: score?.weight ?? 0,
    u16: score?.u16 ?? 0,
    commitments: commitments.items,
    standings,
    recentJobs: jobs.items,
  }
}
