import { ApiException } from '@kubernetes/client-node'

/** The HTTP status of a Kubernetes API error, or undefined for anything else. */
export function apiStatus(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code
  const code = (err as { code?: unknown; statusCode?: unknown } | null)?.statusCode
  return typeof code === 'number' ? code : undefined
}

export const isNotFound = (err: unknown): boolean => apiStatus(err) === 404
export const isConflict = (err: unknown): boolean => apiStatus(err) === 409

/** A short, log-safe description of an API error: status plus the Status object's message when present. */
export function describeApiError(err: unknown): string {
  if (err instanceof ApiException) {
    let body: unknown = err.body
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body)
      } catch {
        // a plain-text body: keep it
      }
    }
    const message = (body as { message?: unknown } | null)?.message
    return `HTTP ${err.code}${typeof message === 'string' ? `: ${message}` : ''}`
  }
  return err instanceof Error ? err.message : String(err)
}
