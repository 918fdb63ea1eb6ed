/**
 * `kinitro miner status --watch`: follow the miner's feed channel (its jobs, statuses, results) and the
 * scores channel, one line per event that concerns the miner (NDJSON with `--json`), until SIGINT, a
 * timeout, or (`--until scored`) the first score that includes it.
 */
import { type FeedMessage, followFeed } from './feed.js'
import { rate } from './format.js'

/** A miner's line in a scores event (the indexer's leaderboard entry, the fields used here). */
interface ScoreEntry {
  hotkey: string
  rank: number
  points: number
  weight: number
  u16: number
}

/** What the watch reports, one per line. */
export interface WatchLine {
  type: 'result' | 'job' | 'status' | 'score'
  seq: number
  data: Record<string, unknown>
}

/** Options of {@link watchMiner}. */
export interface WatchInit {
  /** The indexer's REST root. */
  url: string
  hotkey: string
  /** Stop once a score includes the miner. */
  until?: 'scored'
  /** Stop after this long. */
  timeoutMs?: number
  /** Receives each line (already formatted: text, or one JSON object). */
  emit(line: string): void
  json: boolean
  /** Called once the subscriptions are live. */
  onReady?(): void
  /** Aborting stops the watch (SIGINT). */
  signal?: AbortSignal
}

/** How a watch ended. */
export type WatchOutcome = 'scored' | 'timeout' | 'stopped'

/** The miner's entries in a scores event or snapshot, by competition id. */
export function scoreEntries(data: unknown, hotkey: string): Map<string, ScoreEntry> {
  const out = new Map<string, ScoreEntry>()
  const comps = (data as { competitions?: unknown } | null)?.competitions
  if (!Array.isArray(comps)) return out
  for (const c of comps as Array<{ id?: unknown; entries?: unknown }>) {
    if (typeof c.id !== 'string' || !Array.isArray(c.entries)) continue
    const e = (c.entries as ScoreEntry[]).find((x) => x?.hotkey === hotkey)
    if (e !== undefined) out.set(c.id, e)
  }
  return out
}

/** One line for a miner-channel event, or undefined for kinds that say nothing about the miner. */
export function eventLine(kind: string, seq: number, data: Record<string, unknown>): WatchLine | undefined {
  if (kind === 'result' || kind === 'job' || kind === 'status') return { type: kind, seq, data }
  return undefined
}

/** The text of a watch line. */
export function describe(line: WatchLine): string {
  const d = line.data
  const comp = String(d.competitionId ?? '?')
  switch (line.type) {
    case 'result':
      return `result  ${comp}  from ${String(d.validator)}: ${rate(Number(d.successRate))} (${Number(d.successes)}/${Number(d.episodes)}) at block ${Number(d.block)}`
    case 'job':
      return `job     ${comp}  cycle ${Number(d.cycle)} announced at block ${Number(d.block)}`
    case 'status':
      return `status  ${comp}  ${String(d.validator)} ${String(d.state)} ${Number(d.episodesDone)}/${Number(d.episodesTotal)}`
    case 'score':
      return `score   ${comp}  rank ${Number(d.rank)}, ${Number(d.points)} points, weight ${Number(d.weight).toFixed(4)}`
  }
}

/** Follow the feed for `init.hotkey` until it stops; see {@link WatchInit}. */
export async function watchMiner(init: WatchInit): Promise<WatchOutcome> {
  const stop = new AbortController()
  let outcome: WatchOutcome = 'stopped'
  const end = (why: WatchOutcome) => {
    if (stop.signal.aborted) return
    outcome = why
    stop.abort()
  }
  const onAbort = () => end('stopped')
  init.signal?.addEventListener('abort', onAbort, { once: true })
  if (init.signal?.aborted) end('stopped')
  const timer = init.timeoutMs === undefined ? undefined : setTimeout(() => end('timeout'), init.timeoutMs)
  const last = new Map<string, string>()

  const print = (line: WatchLine) => init.emit(init.json ? JSON.stringify(line) : describe(line))
  const onScores = (seq: number, data: unknown) => {
    const entries = scoreEntries(data, init.hotkey)
    for (const [competitionId, e] of entries) {
      // Only changes: a recomputation that leaves the miner where it was is not news.
      const key = JSON.stringify([e.rank, e.points, e.weight, e.u16])
      if (last.get(competitionId) === key) continue
      last.set(competitionId, key)
      print({
        type: 'score',
        seq,
        data: { competitionId, rank: e.rank, points: e.points, weight: e.weight, u16: e.u16 },
      })
    }
    if (init.until === 'scored' && entries.size > 0) end('scored')
  }
  const onMessage = (m: FeedMessage) => {
    if (m.channel === 'scores') {
      if (m.type === 'snapshot' || m.kind === 'scores') onScores(m.seq, m.data)
      return
    }
    if (m.type !== 'event' || m.kind === undefined) return
    const line = eventLine(m.kind, m.seq, (m.data ?? {}) as Record<string, unknown>)
    if (line !== undefined) print(line)
  }

  try {
    await followFeed({
      url: init.url,
      channels: [`miner:${init.hotkey}`, 'scores'],
      onMessage,
      ...(init.onReady === undefined ? {} : { onReady: init.onReady }),
      signal: stop.signal,
    })
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    init.signal?.removeEventListener('abort', onAbort)
  }
  return outcome
}
