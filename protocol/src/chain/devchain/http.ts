import { KinitroError, type KinitroErrorObject } from '../../errors.js'
import { ChainError, type ChainErrorMeta } from '../errors.js'
import { parse, stringify } from './codec.js'
import { REQUEST_TIMEOUT_MS } from './constants.js'

const isAbort = (err: unknown): boolean => err instanceof Error && err.name === 'AbortError'

/**
 * POST `body` to the dev chain and return `result`. A refusal comes back as the same `ChainError` the
 * server threw; a transport failure becomes CHAIN_CONNECTION_FAILED, a slow answer CHAIN_TIMEOUT. An
 * abort from the caller's signal propagates as is.
 */
export async function postJson<T>(baseUrl: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  let res: Response
  let text: string
  try {
    res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stringify(body),
      signal: combined,
    })
    text = await res.text()
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err
    if (timeout.aborted || (isAbort(err) && !signal?.aborted))
      throw new ChainError(
        { code: 'CHAIN_TIMEOUT', url: baseUrl },
        `dev chain at ${baseUrl} did not answer in ${REQUEST_TIMEOUT_MS} ms`,
      )
    throw new ChainError(
      { code: 'CHAIN_CONNECTION_FAILED', url: baseUrl },
      `cannot reach the dev chain at ${baseUrl}`,
      {
        cause: err,
      },
    )
  }
  let doc: { result?: T; error?: KinitroErrorObject }
  try {
    doc = parse(text)
  } catch {
    throw new ChainError(
      { code: 'CHAIN_DISPATCH_FAILED', status: res.status },
      `dev chain sent a non-JSON answer (${res.status})`,
    )
  }
  if (doc.error !== undefined) {
    const err =
      doc.error.name === 'ChainError'
        ? new ChainError(doc.error.meta as ChainErrorMeta, doc.error.message)
        : KinitroError.fromObject(doc.error)
    throw err
  }
  return doc.result as T
}
