import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A private directory under the OS temp dir, removed (with everything in it) by `cleanup`. */
export interface TempDir {
  dir: string
  /** Absolute path of `name` inside the directory. */
  file(name: string): string
  /** Remove the directory. Idempotent. */
  cleanup(): void
}

/**
 * Create a fresh temp directory for a test or benchmark that needs real files (SQLite WAL, crash tests).
 *
 * @example
 * ```ts
 * const tmp = makeTempDir('kinitro-queue-')
 * try { openDatabase({ path: tmp.file('node.sqlite') }) } finally { tmp.cleanup() }
 * ```
 */
export function makeTempDir(prefix = 'kinitro-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    file: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
