import { fileURLToPath } from 'node:url'
import type { Logger } from '#protocol'
import { probeBubblewrap } from '../../../src/runtime/bubblewrap.js'
import type { ResourceLimits } from '../../../src/runtime/types.js'
import { DEFAULT_UID_RANGE } from '../../../src/runtime/uid-pool.js'

export const POLICIES_DIR = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url))

/** Generous limits a node policy runs under comfortably (node reserves ~0.5 GiB of address space). */
export const ROOMY: ResourceLimits = {
  memoryMiB: 2048,
  cpuSeconds: 60,
  maxProcesses: 64,
  wallClockMs: 60_000,
  scratchMiB: 16,
}

/** Why bubblewrap cannot run here as the sandbox uid (tests needing it skip with this reason), or undefined. */
export function bwrapUnusable(): Promise<string | undefined> {
  const root = process.getuid?.() === 0
  const uid = DEFAULT_UID_RANGE.first
  return probeBubblewrap('/usr/bin/bwrap', root ? { uid, gid: uid } : {})
}

/** A logger that keeps what it receives, so tests can assert warnings were logged. */
export function recordingLogger(): Logger & { lines: { level: string; msg: string; ctx?: unknown }[] } {
  const lines: { level: string; msg: string; ctx?: unknown }[] = []
  const logger = {
    lines,
    error: (msg: string, ctx?: unknown) => lines.push({ level: 'error', msg, ctx }),
    warn: (msg: string, ctx?: unknown) => lines.push({ level: 'warn', msg, ctx }),
    info: (msg: string, ctx?: unknown) => lines.push({ level: 'info', msg, ctx }),
    debug: (msg: string, ctx?: unknown) => lines.push({ level: 'debug', msg, ctx }),
    child: () => logger,
  }
  return logger
}

/** True while any process of the group led by `pid` lives. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}
