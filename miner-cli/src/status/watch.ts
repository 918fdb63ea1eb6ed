/**
 * `kinitro miner status --watch`: follow the miner's feed channel (its jobs, statuses, results) and the
 * scores channel, one line per event that concerns the miner (NDJSON with `--json`), until SIGINT, a
 * timeout, or (`--until scored`) the first score that includes it.
 */
import { setTimeout as sleep } from 'node:timers/promises'
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
  /**
   * Reconnect when the feed drops after it was up (indexer restart, network blip), resuming after the last
   * event seen, with backoff from 1 s up to {@link RECONNECT_MAX_MS}. A first connection that fails still
   * throws: a wrong URL should not look like a long wait. @default true
   */
  reconnect?: boolean
  /** Told about each reconnect (the CLI prints it on stderr). */
  onNotice?(text: string): void
}

/** Longest pause between two reconnect attempts. */
export const RECONNECT_MAX_MS = 30_000

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

  let lastSeq: number | undefined
  let wasUp = false
  let failures = 0
  try {
    while (!stop.signal.aborted) {
      try {
        await followFeed({
          url: init.url,
          channels: [`miner:${init.hotkey}`, 'scores'],
          onMessage: (m) => {
            // Seqs are global; a snapshot carries the seq it was taken at, so resuming from it misses nothing.
            lastSeq = Math.max(lastSeq ?? 0, m.seq)
            onMessage(m)
          },
          onReady: () => {
            failures = 0
            if (!wasUp) init.onReady?.()
            wasUp = true
          },
          ...(lastSeq === undefined ? {} : { resume: lastSeq }),
          signal: stop.signal,
        })
        break // aborted: the watch is over
      } catch (err) {
        if (stop.signal.aborted) break
        if (!wasUp || init.reconnect === false) throw err
        const delay = Math.min(RECONNECT_MAX_MS, 1000 * 2 ** failures++)
        init.onNotice?.(
          `feed lost (${err instanceof Error ? err.message : String(err)}); reconnecting in ${delay / 1000} s`,
        )
        await sleep(delay, undefined, { signal: stop.signal }).catch(() => {})
      }
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    init.signal?.removeEventListener('abort', onAbort)
  }
  return outcome
}
