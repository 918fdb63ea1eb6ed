import { fileURLToPath } from 'node:url'
import type { Logger } from '#protocol'
import { probeBubblewrap } from '../../../src/runtime/bubblewrap.js'
import type { ResourceLimits } from '../../../src/runtime/types.js'

export const POLICIES_DIR = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url))

/** Generous limits a node policy runs under comfortably (node reserves ~0.5 GiB of address space). */
export const ROOMY: ResourceLimits = {
  memoryMiB: 2048,
  cpuSeconds: 60,
  maxProcesses: 64,
  wallClockMs: 60_000,
  scratchMiB: 16,
}

/**
 * The uid these tests' policies run as (root only; otherwise the runtime keeps ours). RLIMIT_NPROC counts
 * every process and thread of a uid on the host, so under the shared 65534 the process-count cases failed
 * to start whenever other test files ran policies at the same moment (seen in CI: policy_start_failed at
 * once). A uid of this worker's own keeps their budget to themselves.
 */
export const TEST_RUN_AS: { runAsUid?: number } =
  process.getuid?.() === 0 ? { runAsUid: 62_000 + (process.pid % 2_000) } : {}

/** Why bubblewrap cannot run here as the sandbox uid (tests needing it skip with this reason), or undefined. */
export function bwrapUnusable(): Promise<string | undefined> {
  const root = process.getuid?.() === 0
  return probeBubblewrap('/usr/bin/bwrap', root ? { uid: 65534, gid: 65534 } : {})
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
