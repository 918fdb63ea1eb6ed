/**
 * A small REST client for the parts of the indexer API a miner reads (`/v1/miners/:hotkey`, its explain
 * route, failed episodes). Global `fetch` with a per-request timeout; answers are checked against the
 * shapes used here, so a wrong URL fails with a clear error instead of `undefined` deep in the output.
 */
import { z } from 'zod'
import type { StandingExplanation } from '#protocol'
import { STATUS_TIMEOUT_MS } from './constants.js'
import { StatusError } from './errors.js'

const envStanding = z.object({
  envId: z.string(),
  successRate: z.number(),
  episodes: z.number(),
  successes: z.number(),
  wilsonLow: z.number(),
  wilsonHigh: z.number(),
  validators: z.number(),
})

const jobView = z.object({
  jobId: z.string(),
  competitionId: z.string(),
  commitment: z.string(),
  commitmentBlock: z.number(),
  cycle: z.number(),
  block: z.number(),
  statuses: z.array(
    z.object({
      validator: z.string(),
      state: z.string(),
      episodesDone: z.number(),
      episodesTotal: z.number(),
      detail: z.string(),
      block: z.number(),
    }),
  ),
  results: z.array(z.object({ validator: z.string() })),
})

const minerView = z.object({
  hotkey: z.string(),
  uid: z.number().nullable(),
  weight: z.number(),
  u16: z.number(),
  commitments: z.array(z.object({ block: z.number(), text: z.string(), seenAt: z.number() })),
  standings: z.array(
    z.object({ competitionId: z.string(), rank: z.number(), points: z.number(), envs: z.array(envStanding) }),
  ),
  recentJobs: z.array(jobView),
})

const episodePage = z.object({
  items: z.array(z.object({ envId: z.string(), success: z.boolean(), error: z.string().nullable() })),
})

// The explanation's own shape is protocol's type; only what the CLI walks first is checked here.
const explainView = z.object({
  block: z.number(),
  inputsDigest: z.string(),
  hotkey: z.string(),
  competitions: z.array(
    z.looseObject({ competitionId: z.string(), strategy: z.string(), status: z.string(), tasks: z.array(z.unknown()) }),
  ),
})

/** `/v1/miners/:hotkey` as the CLI reads it. */
export type MinerView = z.output<typeof minerView>
/** One of the miner's recent jobs. */
export type JobView = z.output<typeof jobView>
/** `/v1/miners/:hotkey/explain`. */
export interface ExplainView {
  block: number
  inputsDigest: string
  hotkey: string
  competitions: StandingExplanation[]
}

/** The indexer as the miner CLI uses it. */
export interface IndexerClient {
  readonly url: string
  /** @throws {@link StatusError} `MINER_STATUS_NOT_FOUND` when the indexer does not know the hotkey. */
  miner(hotkey: string): Promise<MinerView>
  /** The newest `limit` (≤ 1000) episodes of the miner that did not succeed. */
  failedEpisodes(hotkey: string, limit: number): Promise<z.output<typeof episodePage>['items']>
  /**
   * @throws {@link StatusError} `MINER_STATUS_NOT_FOUND`, `MINER_STATUS_COMPETITION_NOT_FOUND`,
   * `MINER_STATUS_SCORES_UNAVAILABLE`.
   */
  explain(hotkey: string, competition?: string): Promise<ExplainView>
}

type Answer = { ok: true; body: unknown } | { ok: false; status: number; code: string | undefined }

/** A client for the indexer at `url` (its REST root, e.g. `http://127.0.0.1:8080`). */
export function createIndexerClient(init: { url: string; timeoutMs?: number }): IndexerClient {
  const base = init.url.endsWith('/') ? init.url : `${init.url}/`
  const timeoutMs = init.timeoutMs ?? STATUS_TIMEOUT_MS

  async function get(path: string): Promise<Answer> {
    const url = new URL(path, base)
    let res: Response
    try {
      res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      throw unreachable(init.url, err, timeoutMs)
    }
    const text = await res.text().catch(() => '')
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      if (res.ok) throw bad(init.url, res.status, `answered ${path} with something that is not JSON`)
    }
    if (res.ok) return { ok: true, body }
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code
    return { ok: false, status: res.status, code: typeof code === 'string' ? code : undefined }
  }

  function parse<T>(schema: z.ZodType<T>, path: string, body: unknown): T {
    const r = schema.safeParse(body)
    if (r.success) return r.data
    const issue = r.error.issues[0]
    throw bad(init.url, 200, `${path}: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'has the wrong shape'}`)
  }

  function failure(a: Extract<Answer, { ok: false }>, path: string): StatusError {
    if (a.code === 'API_SCORES_UNAVAILABLE') {
      return new StatusError(
        { code: 'MINER_STATUS_SCORES_UNAVAILABLE', url: init.url },
        'the indexer has no scores yet',
      )
    }
    return bad(init.url, a.status, `${path} answered HTTP ${a.status}${a.code ? ` ${a.code}` : ''}`)
  }

  const notFound = (hotkey: string) =>
    new StatusError(
      { code: 'MINER_STATUS_NOT_FOUND', url: init.url, hotkey },
      `the indexer at ${init.url} knows nothing about ${hotkey}`,
    )

  const client: IndexerClient = {
    url: init.url,
    async miner(hotkey) {
      const path = `v1/miners/${encodeURIComponent(hotkey)}`
      const a = await get(path)
      if (!a.ok) throw a.code === 'API_NOT_FOUND' ? notFound(hotkey) : failure(a, path)
      return parse(minerView, path, a.body)
    },
    async failedEpisodes(hotkey, limit) {
      const path = `v1/episodes?miner=${encodeURIComponent(hotkey)}&success=false&limit=${limit}`
      const a = await get(path)
      if (!a.ok) throw failure(a, path)
      return parse(episodePage, path, a.body).items
    },
    async explain(hotkey, competition) {
      const query = competition === undefined ? '' : `?competition=${encodeURIComponent(competition)}`
      const path = `v1/miners/${encodeURIComponent(hotkey)}/explain${query}`
      const a = await get(path)
      if (a.ok) return parse(explainView, path, a.body) as unknown as ExplainView
      if (a.code !== 'API_NOT_FOUND') throw failure(a, path)
      // The route checks the miner first, so a 404 for a miner the indexer knows means the competition.
      if (competition === undefined) throw notFound(hotkey)
      await client.miner(hotkey)
      throw new StatusError(
        { code: 'MINER_STATUS_COMPETITION_NOT_FOUND', url: init.url, competition },
        `the indexer scores no competition ${JSON.stringify(competition)}`,
      )
    },
  }
  return client
}

function bad(url: string, status: number, reason: string): StatusError {
  return new StatusError(
    { code: 'MINER_STATUS_BAD_RESPONSE', url, status, reason },
    `unexpected answer from ${url}: ${reason}`,
  )
}

function unreachable(url: string, err: unknown, timeoutMs: number): StatusError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  const reason =
    e.name === 'TimeoutError'
      ? `no answer within ${timeoutMs / 1000} s`
      : (e.cause?.code ?? e.cause?.message ?? e.message ?? String(err))
  return new StatusError(
    { code: 'MINER_STATUS_INDEXER_UNREACHABLE', url, reason },
    `cannot reach the indexer at ${url} (${reason})`,
    { cause: err },
  )
}
