// The page's state: REST answers merged with feed events. Every merge is an idempotent upsert keyed by
// the row's id (newest block wins), so an event that races the REST answer it is already part of, or an
// event delivered on two channels, changes nothing the second time.

import { ApiError, api } from './api.js'

const KEEP_RESULTS = 500
const KEEP_JOBS = 500
// Events arrive in bursts (a validator finishes a job: status + result); one refetch of the aggregates
// per burst is enough.
const REFRESH_DELAY_MS = 250
// How long a row that arrived over the feed is shown as new.
const FRESH_MS = 10_000

/** What each feed channel's views are built from: refetched on a snapshot we cannot read or a resync. */
export const CHANNEL_RESOURCES = {
  results: ['results', 'stats'],
  jobs: ['jobs', 'stats'],
  validators: ['validators', 'stats'],
  scores: ['leaderboard', 'stats'],
}

/** Accepts a `ScoreSnapshot` (feed) or a `/v1/leaderboard` answer; null when `data` is neither. */
export function normalizeScores(data) {
  if (!data || typeof data !== 'object' || !Array.isArray(data.competitions)) return null
  if (typeof data.block !== 'number') return null
  return {
    block: data.block,
    computedAt: typeof data.computedAt === 'number' ? data.computedAt : null,
    inputsDigest: data.inputsDigest ?? data.output?.inputsDigest ?? null,
    competitions: data.competitions,
  }
}

function newestFirst(a, b) {
  return b.block - a.block || (a.messageId ?? a.jobId ?? '').localeCompare(b.messageId ?? b.jobId ?? '')
}

/** Keep the newest `keep` rows (with some slack, so trimming is rare). */
function trim(map, keep) {
  if (map.size <= keep * 1.2) return
  const newest = [...map.entries()].sort(([, a], [, b]) => newestFirst(a, b)).slice(0, keep)
  map.clear()
  for (const [key, row] of newest) map.set(key, row)
}

function mergeStatuses(current, incoming) {
  const byValidator = new Map(current.map((s) => [s.validator, s]))
  for (const s of incoming) {
    const old = byValidator.get(s.validator)
    if (!old || s.block > old.block || (s.block === old.block && s.messageId >= old.messageId)) {
      byValidator.set(s.validator, s)
    }
  }
  return [...byValidator.values()].sort((a, b) => a.validator.localeCompare(b.validator))
}

function mergeResultRefs(current, incoming) {
  const out = [...current]
  for (const r of incoming) if (!out.some((x) => x.messageId === r.messageId)) out.push(r)
  return out
}

async function readHealth() {
  // /health answers 503 with the same document when degraded; that is a state to show, not an error.
  const res = await fetch('/health', { headers: { accept: 'application/json' }, cache: 'no-cache' })
  return res.json()
}

/** Create the page state. `subscribe(listener)` calls back at most once per animation frame. */
export function createStore() {
  const state = {
    head: 0,
    stats: null,
    health: null,
    leaderboard: null,
    results: new Map(),
    jobs: new Map(),
    validators: new Map(),
    errors: {},
    fresh: new Map(),
    feed: { state: 'connecting', attempt: 0, lastSeq: null, lastEventAt: null, events: 0 },
  }
  const listeners = new Set()
  let scheduled = false
  const pending = new Set()
  let refreshTimer

  function changed() {
    if (scheduled) return
    scheduled = true
    requestAnimationFrame(() => {
      scheduled = false
      for (const listener of listeners) listener(state)
    })
  }

  function bumpHead(block) {
    if (typeof block === 'number' && block > state.head) state.head = block
  }

  function setLeaderboard(data) {
    const next = normalizeScores(data)
    if (next === null) return false
    const cur = state.leaderboard
    const older = cur && (next.block < cur.block || (next.block === cur.block && next.computedAt < cur.computedAt))
    if (!older) state.leaderboard = next
    bumpHead(next.block)
    return true
  }

  function upsertResult(row) {
    if (typeof row?.messageId !== 'string') return
    state.results.set(row.messageId, row)
    trim(state.results, KEEP_RESULTS)
    const job = state.jobs.get(row.jobId)
    if (job) {
      const refs = mergeResultRefs(job.results ?? [], [{ validator: row.validator, messageId: row.messageId }])
      state.jobs.set(job.jobId, { ...job, results: refs })
    }
    bumpHead(row.block)
  }

  function upsertJob(row) {
    if (typeof row?.jobId !== 'string') return
    const old = state.jobs.get(row.jobId)
    state.jobs.set(row.jobId, {
      ...old,
      ...row,
      statuses: mergeStatuses(old?.statuses ?? [], row.statuses ?? []),
      results: mergeResultRefs(old?.results ?? [], row.results ?? []),
    })
    trim(state.jobs, KEEP_JOBS)
    bumpHead(row.block)
  }

  function applyStatus(row) {
    const job = state.jobs.get(row.jobId)
    bumpHead(row.block)
    if (job) {
      state.jobs.set(job.jobId, { ...job, statuses: mergeStatuses(job.statuses ?? [], [row]) })
      return
    }
    // A status for a job announced before the page loaded: fetch the job, then merge.
    api
      .job(row.jobId)
      .then((view) => {
        upsertJob(view)
        applyStatus(row)
        changed()
      })
      .catch(() => {})
  }

  function touchValidator(hotkey, block, patch) {
    const v = state.validators.get(hotkey)
    if (!v) {
      refresh(['validators'])
      return
    }
    const next = { ...v, ...patch }
    if (typeof block === 'number' && !(v.lastSeenBlock >= block)) {
      next.lastSeenBlock = block
      next.lastSeenAt = Date.now()
    }
    state.validators.set(hotkey, next)
  }

  const loaders = {
    stats: async () => {
      state.stats = await api.stats()
      bumpHead(state.stats.head)
    },
    health: async () => {
      state.health = await readHealth()
    },
    leaderboard: async () => {
      try {
        setLeaderboard(await api.leaderboard())
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'API_SCORES_UNAVAILABLE')) throw err
      }
    },
    results: async () => {
      for (const row of (await api.results({ limit: 100 })).items) upsertResult(row)
    },
    jobs: async () => {
      for (const row of (await api.jobs({ limit: 200 })).items) upsertJob(row)
    },
    validators: async () => {
      const { items } = await api.validators()
      state.validators = new Map(items.map((v) => [v.validator, v]))
    },
  }

  async function runRefresh() {
    refreshTimer = undefined
    const keys = [...pending]
    pending.clear()
    await Promise.all(
      keys.map(async (key) => {
        try {
          await loaders[key]()
          delete state.errors[key]
        } catch (err) {
          state.errors[key] = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err?.message ?? err)
        }
      }),
    )
    changed()
  }

  /** Refetch resources (debounced; `delay` 0 for now). */
  function refresh(keys, delay = REFRESH_DELAY_MS) {
    for (const key of keys) pending.add(key)
    if (refreshTimer !== undefined && delay > 0) return
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(runRefresh, delay)
  }

  /** Apply one feed event (`{kind, data, seq, channel}`). */
  function applyEvent(msg) {
    const { kind, data } = msg
    state.feed.lastEventAt = Date.now()
    state.feed.events += 1
    switch (kind) {
      case 'result':
        upsertResult(data)
        state.fresh.set(data?.messageId, Date.now())
        touchValidator(data?.validator, data?.block)
        refresh(['stats', 'validators'])
        break
      case 'job':
        upsertJob(data)
        state.fresh.set(data?.jobId, Date.now())
        refresh(['stats'])
        break
      case 'status':
        applyStatus(data)
        touchValidator(data?.validator, data?.block)
        break
      case 'weights':
        touchValidator(data?.validator, data?.block, { lastWeights: data })
        refresh(['stats'])
        break
      case 'peer':
        touchValidator(data?.validator, data?.issuedAtBlock, { peer: data })
        break
      case 'scores':
        if (!setLeaderboard(data)) refresh(['leaderboard'])
        refresh(['stats'])
        break
      default:
        // competition manifests and kinds this page does not know: the aggregates tell the story.
        refresh(['leaderboard', 'stats'])
    }
    bumpHead(data?.block)
    changed()
  }

  /** Apply a channel snapshot when its shape is one we know, else refetch what the channel feeds. */
  function applySnapshot(msg) {
    const { channel, data } = msg
    const rows = Array.isArray(data) ? data : Array.isArray(data?.items) ? data.items : null
    if (channel === 'results' && rows) for (const row of rows) upsertResult(row)
    else if (channel === 'jobs' && rows) {
      for (const row of rows) {
        if (typeof row?.state === 'string') applyStatus(row)
        else upsertJob(row)
      }
    } else if (channel === 'scores' && setLeaderboard(data)) {
      // applied
    } else refresh(CHANNEL_RESOURCES[channel] ?? [])
    changed()
  }

  /** The feed no longer holds what we missed on `channel`: refetch its views now. */
  function resync(channel) {
    refresh(CHANNEL_RESOURCES[channel] ?? Object.keys(loaders), 0)
  }

  function setFeed(feedState, info) {
    state.feed = { ...state.feed, state: feedState, attempt: info?.attempt ?? 0, lastSeq: info?.lastSeq ?? null }
    changed()
  }

  function isFresh(id, now = Date.now()) {
    const at = state.fresh.get(id)
    if (at === undefined) return false
    if (now - at < FRESH_MS) return true
    state.fresh.delete(id)
    return false
  }

  return {
    state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    changed,
    refresh,
    refreshAll: () => refresh(Object.keys(loaders), 0),
    applyEvent,
    applySnapshot,
    resync,
    setFeed,
    upsertResult,
    upsertJob,
    isFresh,
  }
}

/** Results newest first, optionally filtered. */
export function sortedResults(state, filter = () => true) {
  return [...state.results.values()].filter(filter).sort(newestFirst)
}

/** Jobs newest first, optionally filtered. */
export function sortedJobs(state, filter = () => true) {
  return [...state.jobs.values()].filter(filter).sort(newestFirst)
}

/** A job is in flight until every validator that took it reported `done` or `failed`. */
export function inFlight(job) {
  const statuses = job.statuses ?? []
  if (statuses.length === 0) return (job.results ?? []).length === 0
  return statuses.some((s) => s.state === 'claimed' || s.state === 'running')
}
