import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '#protocol'

/** A fresh temp directory and a function that removes it. */
export function tempDir(prefix = 'kinitro-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A settable clock in ms for stores under test. */
export function fakeClock(start = 1_000_000): {
  now: () => number
  advance: (ms: number) => void
  set: (t: number) => void
} {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
    set: (v) => {
      t = v
    },
  }
}

/** One recorded log call. */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug'
  msg: string
  ctx: Record<string, unknown> | undefined
}

/** A Logger that records every call, for asserting on what was logged. */
export function recordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const log = (level: LogRecord['level']) => (msg: string, ctx?: Record<string, unknown>) => {
    records.push({ level, msg, ctx })
  }
  const logger = {
    records,
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  }
  return logger
}

/** Bytes from a small number, for payloads and envelopes. */
export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values)
}
