import { keysetPage } from './paging.js'
import { anyOfBytes, bytesHex, hexBytes, type SqlRunner, Where } from './sql.js'
import {
  COMMITMENTS,
  COMPETITIONS,
  columnList,
  type DbRow,
  EPISODES,
  JOBS,
  MESSAGE_SELECT,
  PEERS,
  RESULTS,
  STATUSES,
  toCommitment,
  toCompetition,
  toEpisode,
  toJob,
  toMessage,
  toPeer,
  toResult,
  toStatus,
  toWeights,
  WEIGHTS,
} from './tables/index.js'
import type { Equivocation, IndexerStore, JobView, Page, StoreCounts, ValidatorActivity } from './types.js'

/** The query half of the store (reads, plus the kv upsert): one SQL text for both dialects. */
export type IndexerReads = Omit<IndexerStore, 'kind' | 'migrate' | 'ingest' | 'addCommitments' | 'close' | 'ping'>

const RESULT_SELECT = columnList(RESULTS)
const EPISODE_SELECT = columnList(EPISODES)
const WEIGHTS_SELECT = columnList(WEIGHTS)

/** Read queries over `db`. Every list is a keyset page, newest first unless the query says otherwise. */
export function createReads(db: SqlRunner): IndexerReads {
  const jobViews = async (rows: DbRow[]): Promise<JobView[]> => {
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.job_id as Buffer)
    const [inStatus, idsParam] = anyOfBytes(db.dialect, 'job_id', ids)
    const [inResult] = anyOfBytes(db.dialect, 'job_id', ids)
    const statuses = await db.all<DbRow>(
      `SELECT ${columnList(STATUSES)} FROM job_statuses WHERE ${inStatus} ORDER BY validator`,
      [idsParam],
    )
    const results = await db.all<DbRow>(
      `SELECT job_id, validator, message_id FROM results WHERE ${inResult} ORDER BY validator, block, message_id`,
      [idsParam],
    )
    const views = rows.map((r): JobView => ({ ...toJob(r), statuses: [], results: [] }))
    const byId = new Map(views.map((v) => [v.jobId, v]))
    for (const s of statuses.map(toStatus)) byId.get(s.jobId)?.statuses.push(s)
    for (const r of results) {
      byId.get(bytesHex(r.job_id as Buffer))?.results.push({
        validator: r.validator as string,
        messageId: bytesHex(r.message_id as Buffer),
      })
    }
    return views
  }

  const latestWeights: IndexerReads['latestWeights'] = async () =>
    (
      await db.all<DbRow>(
        `SELECT ${WEIGHTS_SELECT} FROM weights w WHERE NOT EXISTS (SELECT 1 FROM weights x
          WHERE x.validator = w.validator AND (x.block, x.message_id) > (w.block, w.message_id)) ORDER BY validator`,
      )
    ).map(toWeights)

  return {
    async message(id) {
      const rows = await db.all<DbRow>(`SELECT ${MESSAGE_SELECT} FROM messages WHERE id = ?`, [hexBytes(id)])
      return rows[0] === undefined ? undefined : toMessage(rows[0])
    },

    messages(q) {
      const where = new Where().eq('topic', q.topic)
      const from = { select: MESSAGE_SELECT, from: 'messages', where, key: ['seq'] }
      const seqOf = (m: { seq: number }): [number] => [m.seq]
      if (q.afterSeq === undefined)
        return keysetPage(db, { ...from, list: 'messages', desc: true }, q, toMessage, seqOf)
      where.add('seq > ?', q.afterSeq)
      return keysetPage(db, { ...from, list: 'messages-asc', desc: false }, q, toMessage, seqOf)
    },

    async range(q) {
      const where = new Where().add('block >= ?', q.fromBlock).add('block <= ?', q.toBlock).eq('topic', q.topic)
      if (q.after !== undefined) where.add('(block, id) > (?, ?)', q.after.block, hexBytes(q.after.id))
      const limit = Math.max(1, Math.trunc(q.limit))
      const rows = await db.all<DbRow>(
        `SELECT ${MESSAGE_SELECT} FROM messages${where.toSql()} ORDER BY block, id LIMIT ?`,
        [...where.params, limit + 1],
      )
      const items = rows.slice(0, limit).map(toMessage)
      const last = items.at(-1)
      return rows.length > limit && last !== undefined ? { items, next: { block: last.block, id: last.id } } : { items }
    },

    async competitions() {
      const rows = await db.all<DbRow>(
        `SELECT ${columnList(COMPETITIONS)} FROM competitions c WHERE NOT EXISTS (SELECT 1 FROM competitions x
          WHERE x.id = c.id AND (x.block, x.message_id) > (c.block, c.message_id)) ORDER BY id`,
      )
      return rows.map(toCompetition)
    },

    async competition(id) {
      const rows = await db.all<DbRow>(
        `SELECT ${columnList(COMPETITIONS)} FROM competitions WHERE id = ? ORDER BY block DESC, message_id DESC LIMIT 1`,
        [id],
      )
      return rows[0] === undefined ? undefined : toCompetition(rows[0])
    },

    async jobs(q) {
      const where = new Where()
        .eq('competition_id', q.competitionId)
        .eq('miner_hotkey', q.minerHotkey)
        .eq('cycle', q.cycle)
      if (q.validator !== undefined) {
        where.add('EXISTS (SELECT 1 FROM job_statuses s WHERE s.job_id = jobs.job_id AND s.validator = ?)', q.validator)
      }
      // Page the bare rows first (so the cursor comes from the row), then attach statuses and results.
      const spec = {
        list: 'jobs' as const,
        select: columnList(JOBS),
        from: 'jobs',
        where,
        key: ['block', 'job_id'],
        desc: true,
      }
      const page: Page<DbRow> = await keysetPage(
        db,
        spec,
        q,
        (r) => r,
        (r) => [r.block as number, toJob(r).jobId],
      )
      return { ...page, items: await jobViews(page.items) }
    },

    async job(jobId) {
      const rows = await db.all<DbRow>(`SELECT ${columnList(JOBS)} FROM jobs WHERE job_id = ?`, [hexBytes(jobId)])
      return (await jobViews(rows))[0]
    },

    results(q) {
      const where = new Where()
        .eq('job_id', q.jobId === undefined ? undefined : hexBytes(q.jobId))
        .eq('competition_id', q.competitionId)
        .eq('miner_hotkey', q.minerHotkey)
        .eq('validator', q.validator)
      if (q.fromBlock !== undefined) where.add('block >= ?', q.fromBlock)
      if (q.toBlock !== undefined) where.add('block <= ?', q.toBlock)
      const spec = {
        list: 'results' as const,
        select: RESULT_SELECT,
        from: 'results',
        where,
        key: ['block', 'message_id'],
        desc: true,
      }
      return keysetPage(db, spec, q, toResult, (r) => [r.block, r.messageId])
    },

    async result(messageId) {
      const rows = await db.all<DbRow>(`SELECT ${RESULT_SELECT} FROM results WHERE message_id = ?`, [
        hexBytes(messageId),
      ])
      return rows[0] === undefined ? undefined : toResult(rows[0])
    },

    episodes(q) {
      const where = new Where()
        .eq('result_id', q.resultId === undefined ? undefined : hexBytes(q.resultId))
        .eq('job_id', q.jobId === undefined ? undefined : hexBytes(q.jobId))
        .eq('miner_hotkey', q.minerHotkey)
        .eq('validator', q.validator)
        .eq('env_id', q.envId)
        .eq('success', q.success)
      const key = ['block', 'result_id', 'episode_index']
      const spec = { list: 'episodes' as const, select: EPISODE_SELECT, from: 'episodes', where, key, desc: true }
      return keysetPage(db, spec, q, toEpisode, (e) => [e.block, e.resultId, e.episodeIndex])
    },

    weights(q) {
      const where = new Where().eq('validator', q.validator)
      if (q.fromBlock !== undefined) where.add('block >= ?', q.fromBlock)
      if (q.toBlock !== undefined) where.add('block <= ?', q.toBlock)
      const spec = {
        list: 'weights' as const,
        select: WEIGHTS_SELECT,
        from: 'weights',
        where,
        key: ['block', 'message_id'],
        desc: true,
      }
      return keysetPage(db, spec, q, toWeights, (w) => [w.block, w.messageId])
    },

    latestWeights,

    async validators() {
      // Hotkeys come from the per-batch `hotkeys` table (cheap last-seen figures) plus peer records; result
      // and done-job counts are index range scans per validator.
      const rows = await db.all<DbRow>(
        `SELECT v.hotkey, h.last_block, h.last_seen_at,
          (SELECT count(*) FROM results r WHERE r.validator = v.hotkey) AS results,
          (SELECT count(*) FROM (SELECT s.job_id FROM job_statuses s WHERE s.validator = v.hotkey AND s.state = 'done'
            UNION SELECT r.job_id FROM results r WHERE r.validator = v.hotkey) d) AS jobs_done
        FROM (SELECT validator AS hotkey FROM peers UNION SELECT hotkey FROM hotkeys) v
        LEFT JOIN hotkeys h ON h.hotkey = v.hotkey
        ORDER BY v.hotkey`,
      )
      const peerRows = await db.all<DbRow>(`SELECT ${columnList(PEERS)} FROM peers`)
      const peers = new Map(peerRows.map((r) => [r.validator as string, toPeer(r)]))
      const weights = new Map((await latestWeights()).map((w) => [w.validator, w]))
      return rows.map(
        (r): ValidatorActivity => ({
          validator: r.hotkey as string,
          peer: peers.get(r.hotkey as string) ?? null,
          lastSeenBlock: (r.last_block as number | null) ?? null,
          lastSeenAt: (r.last_seen_at as number | null) ?? null,
          results: r.results as number,
          jobsDone: r.jobs_done as number,
          lastWeights: weights.get(r.hotkey as string) ?? null,
        }),
      )
    },

    async equivocations(q = {}) {
      // results_job (job_id, validator) serves the grouping; honest logs have no pair, so this is cheap.
      const where = new Where().eq('validator', q.validator)
      const pairs = await db.all<DbRow>(
        `SELECT job_id, validator FROM results${where.toSql()} GROUP BY job_id, validator HAVING count(*) > 1
        ORDER BY job_id, validator LIMIT ${Math.max(1, Math.min(q.limit ?? 100, 1000))}`,
        where.params,
      )
      if (pairs.length === 0) return []
      const [inJob, param] = anyOfBytes(
        db.dialect,
        'job_id',
        pairs.map((p) => p.job_id as Buffer),
      )
      const rows = (
        await db.all<DbRow>(`SELECT ${RESULT_SELECT} FROM results WHERE ${inJob} ORDER BY block, message_id`, [param])
      ).map(toResult)
      return pairs.map((p): Equivocation => {
        const jobId = bytesHex(p.job_id as Buffer)
        const validator = p.validator as string
        return { validator, jobId, results: rows.filter((r) => r.jobId === jobId && r.validator === validator) }
      })
    },

    commitments(q) {
      const where = new Where().eq('miner_hotkey', q.minerHotkey)
      const spec = {
        list: 'commitments' as const,
        select: columnList(COMMITMENTS),
        from: 'commitments',
        where,
        key: ['block', 'miner_hotkey'],
        desc: true,
      }
      return keysetPage(db, spec, q, toCommitment, (c) => [c.block, c.minerHotkey])
    },

    async counts() {
      const rows = await db.all<Record<string, number>>(
        `SELECT (SELECT count(*) FROM messages) AS messages,
          (SELECT count(DISTINCT id) FROM competitions) AS competitions,
          (SELECT count(*) FROM jobs) AS jobs,
          (SELECT count(*) FROM results) AS results,
          (SELECT count(*) FROM episodes) AS episodes,
          (SELECT count(*) FROM weights) AS weights,
          (SELECT count(*) FROM (SELECT validator FROM peers UNION SELECT hotkey FROM hotkeys) v) AS validators,
          (SELECT count(*) FROM commitments) AS commitments,
          (SELECT coalesce(max(block), 0) FROM messages) AS head_block`,
      )
      const r = rows[0] ?? {}
      const n = (k: string): number => Number(r[k] ?? 0)
      const counts: StoreCounts = {
        messages: n('messages'),
        competitions: n('competitions'),
        jobs: n('jobs'),
        results: n('results'),
        episodes: n('episodes'),
        weights: n('weights'),
        validators: n('validators'),
        commitments: n('commitments'),
        headBlock: n('head_block'),
      }
      return counts
    },

    async getKv(key) {
      const rows = await db.all<{ value: string }>('SELECT value FROM kv WHERE key = ?', [key])
      return rows[0]?.value
    },

    async putKv(key, value) {
      await db.run('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        key,
        value,
      ])
    },
  }
}
