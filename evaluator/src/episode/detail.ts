// Kept free of #protocol so the toy env and replay load fast in child processes and workers.

/** Longest `errorDetail` we keep; details are for humans, the code is what scoring reads. */
export const MAX_ERROR_DETAIL_CHARS = 200

/** A bounded, single-line human-readable detail for an error. */
export function detailOf(err: unknown): string {
  const raw =
    typeof err === 'object' && err !== null && typeof (err as { detail?: unknown }).detail === 'string'
      ? (err as { detail: string }).detail
      : err instanceof Error
        ? err.message
        : String(err)
  const line = raw.replace(/\s+/g, ' ').trim()
  return line.length > MAX_ERROR_DETAIL_CHARS ? `${line.slice(0, MAX_ERROR_DETAIL_CHARS - 1)}…` : line
}
