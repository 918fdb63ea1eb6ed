import { type Dirent, promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '#protocol'

/**
 * A policy's run directory is `<scratchRoot>/kinitro-policy-<pid>-XXXXXX`, `pid` being the process that owns
 * the runtime: the name alone then says whether its owner still lives, so a later runtime can remove what a
 * SIGKILLed validator left behind without any state of its own.
 */
export function runDirPrefix(pid: number = process.pid): string {
  return `kinitro-policy-${pid}-`
}

// mkdtemp appends six characters of [A-Za-z0-9]. Anything else (`kinitro-policy-client-…`, the pid-less
// names of older builds) is not ours to judge.
const RUN_DIR_NAME = /^kinitro-policy-([1-9][0-9]{0,9})-[A-Za-z0-9]{6}$/
// Linux caps pids at 2^22; a larger number cannot be a live process (and must not reach kill(2) as garbage).
const PID_LIMIT = 2 ** 31 - 1

/** The owner pid a run-directory name carries, or undefined when the name is not a run directory's. */
export function runDirOwner(name: string): number | undefined {
  const m = RUN_DIR_NAME.exec(name)
  if (m?.[1] === undefined) return undefined
  const pid = Number(m[1])
  return pid <= PID_LIMIT ? pid : undefined
}

/** Whether a process `pid` exists: EPERM means it does, as another user; only ESRCH means it is gone. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** What {@link sweepStaleRunDirs} did. */
export interface SweepResult {
  removed: string[]
  /** Dirs of dead owners this process may not remove (left by a root validator, swept as another user). */
  denied: string[]
}

/** Seams for tests; production passes none. */
export interface SweepHooks {
  isAlive?: (pid: number) => boolean
  remove?: (path: string) => Promise<void>
}

const removeTree = (path: string) => fs.rm(path, { recursive: true, force: true })

/**
 * Remove the run directories under `root` whose owner process is gone. Directories of live pids and any
 * other name are never touched. Root removes everything (policy-owned scratch included); another user gets
 * EACCES/EPERM on files it does not own, which is logged once as a warning, not thrown. Never rejects.
 *
 * Pids are only meaningful in one pid namespace: validators in different containers must not share `root`,
 * or one could take the other's live run directories for stale ones.
 */
export async function sweepStaleRunDirs(root: string, log: Logger, hooks: SweepHooks = {}): Promise<SweepResult> {
  const isAlive = hooks.isAlive ?? pidAlive
  const remove = hooks.remove ?? removeTree
  const result: SweepResult = { removed: [], denied: [] }
  let entries: Dirent[]
  try {
    entries = await fs.readdir(root, { withFileTypes: true })
  } catch (err) {
    log.warn('policy run dirs not swept: scratch root unreadable', { root }, err)
    return result
  }
  // Other owners are asked once each, however many policies they ran.
  const alive = new Map<number, boolean>()
  for (const entry of entries) {
    const owner = entry.isDirectory() ? runDirOwner(entry.name) : undefined
    if (owner === undefined) continue
    if (!alive.has(owner)) alive.set(owner, isAlive(owner))
    if (alive.get(owner)) continue
    const path = join(root, entry.name)
    try {
      await remove(path)
      result.removed.push(path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'EACCES' && code !== 'EPERM') {
        log.warn('stale policy run dir not removed', { path }, err)
        continue
      }
      result.denied.push(path)
    }
  }
  if (result.removed.length > 0) {
    log.info('removed stale policy run dirs of dead processes', { count: result.removed.length, root })
  }
  if (result.denied.length > 0) {
    log.warn('stale policy run dirs not removable by this user; remove them as root', {
      count: result.denied.length,
      dirs: result.denied.slice(0, 5),
    })
  }
  return result
}
