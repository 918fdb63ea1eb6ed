import { setTimeout as sleep } from 'node:timers/promises'

/** Options of {@link until}. */
export interface UntilOptions {
  /** Give up after this long. A guard against hanging the suite, never a timing assertion. @default 60000 */
  timeoutMs?: number
  /** @default 500 */
  intervalMs?: number
  /** Treat a throwing probe as "not yet" (e.g. a node whose HTTP server is not up). @default false */
  retryErrors?: boolean
  /** Appended to the timeout error: what the world looked like (node logs, last values). */
  explain?: () => string | Promise<string>
  /** Stop polling and reject with the signal's reason (e.g. the process being waited for died). */
  signal?: AbortSignal
}

/**
 * Poll `probe` until it returns something other than `undefined` or `false`, and return that. Rejects
 * with `what` in the message when the guard runs out.
 *
 * @example
 * ```ts
 * const status = await until('two results', async () => {
 *   const s = await node.status()
 *   return s.queue.done === 2 ? s : undefined
 * }, { timeoutMs: 120_000 })
 * ```
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: UntilOptions = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  let lastError: unknown
  for (;;) {
    opts.signal?.throwIfAborted()
    try {
      const v = await probe()
      if (v !== undefined && v !== false) return v
    } catch (err) {
      if (opts.retryErrors !== true) throw err
      lastError = err
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : `\nlast error: ${String(lastError)}`
      const more = opts.explain === undefined ? '' : `\n${await opts.explain()}`
      throw new Error(`timed out waiting for ${what}${why}${more}`)
    }
    await sleep(opts.intervalMs ?? 500, undefined, opts.signal === undefined ? {} : { signal: opts.signal }).catch(() =>
      opts.signal?.throwIfAborted(),
    )
  }
}
