import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** One milestone of a devnet run, as a line of `--events <file>`. `at` is wall time (ms since the epoch). */
export type DevnetEvent =
  | { event: 'miner-published'; at: number; index: number; policy: string; hotkey: string; commitment: string }
  | { event: 'process-started'; at: number; name: string; pid: number }
  | { event: 'banner-printed'; at: number }
  | { event: 'cycle-complete'; at: number; block: number }

type Payload<E> = E extends DevnetEvent ? Omit<E, 'at'> : never

/** Appends {@link DevnetEvent}s as JSON lines; a no-op without a file. */
export type DevnetEventLog = (e: Payload<DevnetEvent>) => void

/**
 * `--events <file>`: milestones with wall-clock times, for tools that time a devnet (the devnet-scale bench).
 * Block numbers alone cannot date the bootstrap: the devnet advances the chain by hand while it publishes
 * miners, so its blocks then are not `--block-ms` apart. Appended synchronously: a line is on disk before
 * anything that follows the milestone happens.
 */
export function createEventLog(file: string | undefined): DevnetEventLog {
  if (file === undefined) return () => undefined
  mkdirSync(dirname(file), { recursive: true })
  return (e) => appendFileSync(file, `${JSON.stringify({ ...e, at: Date.now() })}\n`)
}
