// REST client for the indexer API (`/v1/*`). Same origin, JSON only.

/** A non-2xx answer, carrying the API's stable error code (`API_NOT_FOUND`, …). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

/** GET a JSON document. `no-cache` revalidates with the stored ETag, so an unchanged answer is a 304. */
export async function getJson(path, options = {}) {
  const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-cache', signal: options.signal })
  if (!res.ok) {
    let body
    try {
      body = await res.json()
    } catch {
      body = undefined
    }
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText)
  }
  return res.json()
}

function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const text = q.toString()
  return text ? `?${text}` : ''
}

const enc = encodeURIComponent

/** The routes the page reads (see the API spec). */
export const api = {
  health: (o) => getJson('/health', o),
  stats: (o) => getJson('/v1/stats', o),
  leaderboard: (o) => getJson('/v1/leaderboard', o),
  miner: (hotkey, o) => getJson(`/v1/miners/${enc(hotkey)}`, o),
  jobs: (params, o) => getJson(`/v1/jobs${query(params)}`, o),
  job: (id, o) => getJson(`/v1/jobs/${enc(id)}`, o),
  results: (params, o) => getJson(`/v1/results${query(params)}`, o),
  result: (id, o) => getJson(`/v1/results/${enc(id)}`, o),
  episodes: (params, o) => getJson(`/v1/episodes${query(params)}`, o),
  replay: (resultId, index, o) => getJson(`/v1/episodes/${enc(resultId)}/${enc(index)}/replay`, o),
  validators: (o) => getJson('/v1/validators', o),
}
