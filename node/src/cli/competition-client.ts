import type { CandidatesSnapshot } from '../health/candidates.js'
import type { CompetitionInfo } from '../health/competitions.js'
import type { RelayAnswer } from '../health/relay.js'
import { CompetitionError } from './competition-errors.js'

/** The node's health server when it runs with its defaults (`health.host`, `health.port` in node.toml). */
export const DEFAULT_NODE_URL = 'http://127.0.0.1:9615'

/**
 * How long one request to the node may take. The relay verifies one sr25519 signature and writes one
 * SQLite row; seconds mean the node is stuck, not busy.
 */
export const NODE_REQUEST_TIMEOUT_MS = 15_000

/** The node's answer to `GET /v1/competitions`. */
export interface CompetitionList {
  head: number
  competitions: CompetitionInfo[]
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    const reason = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String(err)
    throw new CompetitionError(
      { code: 'NODE_COMPETITION_NODE_UNREACHABLE', url, reason },
      `cannot reach the node at ${url}: ${reason}`,
      { cause: err },
    )
  }
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) as unknown }
  } catch {
    throw badAnswer(url, res.status, `not JSON: ${text.slice(0, 120)}`)
  }
}

function badAnswer(url: string, status: number, reason: string): CompetitionError {
  return new CompetitionError(
    { code: 'NODE_COMPETITION_BAD_ANSWER', url, status, reason },
    `unexpected answer from ${url} (HTTP ${status}): ${reason}`,
  )
}

const endpoint = (node: string, path: string) => `${node.replace(/\/+$/, '')}${path}`

/**
 * Hand a signed envelope to a node's relay (`POST /v1/relay`). The node answers with the gossip verdict;
 * a refusal is an answer, not an exception, so the caller can report several envelopes at once.
 *
 * @throws {@link CompetitionError} `NODE_COMPETITION_NODE_UNREACHABLE` or `NODE_COMPETITION_BAD_ANSWER`.
 */
export async function relayEnvelope(
  node: string,
  envelope: Uint8Array,
  timeoutMs = NODE_REQUEST_TIMEOUT_MS,
): Promise<RelayAnswer> {
  const url = endpoint(node, '/v1/relay')
  const { status, body } = await request(
    url,
    { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(envelope) },
    timeoutMs,
  )
  const a = body as Partial<RelayAnswer> | null
  if (a === null || typeof a !== 'object' || !['accepted', 'ignored', 'rejected'].includes(String(a.result))) {
    throw badAnswer(url, status, status === 404 ? 'no relay here' : JSON.stringify(body).slice(0, 200))
  }
  return a as RelayAnswer
}

/**
 * The competitions a node knows (`GET /v1/competitions`).
 *
 * @throws {@link CompetitionError} `NODE_COMPETITION_NODE_UNREACHABLE` or `NODE_COMPETITION_BAD_ANSWER`.
 */
export async function fetchCompetitions(node: string, timeoutMs = NODE_REQUEST_TIMEOUT_MS): Promise<CompetitionList> {
  const url = endpoint(node, '/v1/competitions')
  const { status, body } = await request(url, { method: 'GET' }, timeoutMs)
  const list = body as Partial<CompetitionList> | null
  if (status !== 200 || list === null || typeof list.head !== 'number' || !Array.isArray(list.competitions)) {
    throw badAnswer(url, status, status === 404 ? 'no competition list here' : JSON.stringify(body).slice(0, 200))
  }
  return list as CompetitionList
}

/**
 * A competition's leader candidates as the node scores them now (`GET /v1/competitions/:id/candidates`).
 *
 * @throws {@link CompetitionError} `NODE_COMPETITION_UNKNOWN` (the node has no such competition),
 * `NODE_COMPETITION_NODE_UNREACHABLE` or `NODE_COMPETITION_BAD_ANSWER`.
 */
export async function fetchCandidates(
  node: string,
  id: string,
  timeoutMs = NODE_REQUEST_TIMEOUT_MS,
): Promise<CandidatesSnapshot> {
  const url = endpoint(node, `/v1/competitions/${encodeURIComponent(id)}/candidates`)
  const { status, body } = await request(url, { method: 'GET' }, timeoutMs)
  const snap = body as Partial<CandidatesSnapshot & { code: string }> | null
  if (status === 404 && snap?.code === 'NODE_COMPETITION_UNKNOWN') {
    throw new CompetitionError(
      { code: 'NODE_COMPETITION_UNKNOWN', id, known: [] },
      `${node} knows no competition ${id} (\`kinitro competition list\` shows what it knows)`,
    )
  }
  if (status !== 200 || snap === null || !Array.isArray(snap.candidates) || typeof snap.head !== 'number') {
    throw badAnswer(url, status, status === 404 ? 'no candidate list here' : JSON.stringify(body).slice(0, 200))
  }
  return snap as CandidatesSnapshot
}
