import { MAX_ERROR_TEXT_CHARS } from './constants.js'

/**
 * A bounded, single-string description of a failure, for the `last_error` columns. Keeps the error code when
 * there is one so an operator can look it up; cut at MAX_ERROR_TEXT_CHARS so one huge message cannot bloat rows.
 */
export function errorText(err: unknown): string {
  let text: string
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    text = typeof code === 'string' ? `${err.name} ${code}: ${err.message}` : `${err.name}: ${err.message}`
  } else {
    text = String(err)
  }
  return text.length > MAX_ERROR_TEXT_CHARS ? `${text.slice(0, MAX_ERROR_TEXT_CHARS - 1)}…` : text
}
