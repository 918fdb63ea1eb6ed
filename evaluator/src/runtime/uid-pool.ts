import { randomInt } from 'node:crypto'
import { promises as fs, readFileSync } from 'node:fs'
import type { RunAs } from './bubblewrap.js'

/** A block of host uids; each running policy gets one to itself (and the gid of the same number). */
export interface UidRange {
  /** The block's first uid. */
  first: number
  /** How many uids: the most policies one validator process runs at once. */
  count: number
}

/**
 * Above login.defs' UID_MAX (60000), nobody (65534) and the 16-bit (uid_t)-1 (65535), below systemd-nspawn's
 * container ranges (from 524288). useradd hands out /etc/subuid blocks from 100000 in steps of 65536, so a
 * host with rootless containers may overlap: the runtime warns when it does (see {@link rangeOverlaps}).
 */
export const DEFAULT_UID_RANGE: Readonly<UidRange> = { first: 200_000, count: 1_000 }

/** nobody is shared with every daemon that drops to it; 65535 reads as "no uid" to 16-bit tools. */
const RESERVED = new Set([65_534, 65_535])

/** Uids this process has handed out and not released, across all of its runtimes. */
const held = new Set<number>()
/** Per range, the offset the next search starts at. */
const cursors = new Map<string, number>()

/**
 * Hands out a uid of `range` that no policy of this process holds and no process on the host runs as, or
 * undefined when every one is taken. Taking the uid is synchronous after the host scan, so two concurrent
 * calls in one process never get the same uid.
 *
 * Why a random start and not the pid: several validator processes on one host (devnet's nodes, vitest
 * workers) share the range, and their pids are consecutive, so pid-derived offsets start next to each
 * other and round-robin walks them into each other's uids. A random start spreads them over the range; the
 * host scan (`/proc`) then skips uids another process already runs a policy as. What is left is the window
 * between another process's scan and its spawn (milliseconds), and there the cost of a collision is two
 * policies sharing one process budget, the situation every policy was in before. The cursor moves on after
 * each hand-out (round-robin), so a uid just released, whose stragglers may still be exiting, is the last
 * one taken again.
 */
export async function acquireUid(
  range: UidRange,
  busyOnHost: (range: UidRange) => Promise<ReadonlySet<number>> = uidsRunningOnHost,
): Promise<number | undefined> {
  const busy = await busyOnHost(range)
  const key = `${range.first}:${range.count}`
  const start = cursors.get(key) ?? randomInt(Math.max(1, range.count))
  for (let i = 0; i < range.count; i++) {
    const offset = (start + i) % range.count
    const uid = range.first + offset
    if (held.has(uid) || busy.has(uid) || RESERVED.has(uid)) continue
    held.add(uid)
    cursors.set(key, (offset + 1) % range.count)
    return uid
  }
  return undefined
}

/** Returns a uid from {@link acquireUid}; idempotent. */
export function releaseUid(uid: number): void {
  held.delete(uid)
}

/** Uids this process holds now (for tests and diagnostics). */
export function heldUids(): ReadonlySet<number> {
  return new Set(held)
}

/** Real, effective, saved or filesystem uids in `range` of the processes visible in /proc. */
export async function uidsRunningOnHost(range: UidRange): Promise<ReadonlySet<number>> {
  const busy = new Set<number>()
  let pids: string[]
  try {
    pids = (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name))
  } catch {
    return busy // no /proc (not Linux): the in-process set is all there is
  }
  const last = range.first + range.count - 1
  // In chunks: one open file per process at once would be as many descriptors as the host has processes.
  for (let i = 0; i < pids.length; i += 64) {
    await Promise.all(
      pids.slice(i, i + 64).map(async (pid) => {
        const status = await fs.readFile(`/proc/${pid}/status`, 'latin1').catch(() => '')
        const line = /^Uid:\s+(.*)$/m.exec(status)?.[1] ?? ''
        for (const field of line.split(/\s+/)) {
          const uid = Number(field)
          if (field !== '' && uid >= range.first && uid <= last) busy.add(uid)
        }
      }),
    )
  }
  return busy
}

/** Accounts and subordinate-uid blocks (/etc/passwd, /etc/subuid) that lie in `range`; empty when none. */
export function rangeOverlaps(range: UidRange, files = { passwd: '/etc/passwd', subuid: '/etc/subuid' }): string[] {
  const last = range.first + range.count - 1
  const found: string[] = []
  for (const line of readLines(files.passwd)) {
    const [name, , uid] = line.split(':')
    const n = Number(uid)
    if (uid !== undefined && uid !== '' && n >= range.first && n <= last) found.push(`user ${name} (uid ${n})`)
  }
  for (const line of readLines(files.subuid)) {
    const [name, start, count] = line.split(':')
    const s = Number(start)
    const e = s + Number(count) - 1
    if (Number.isFinite(s) && Number.isFinite(e) && s <= last && e >= range.first) {
      found.push(`subordinate uids ${s}-${e} of ${name}`)
    }
  }
  return found
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
  } catch {
    return []
  }
}

/**
 * Who the runtime's policies run as, decided once: a uid of their own from a range (root, the default),
 * one fixed identity for all (`runAsUid` given), or the validator's own uid (not root, or `runAsUid: null`).
 */
export type PolicyIdentity = { kind: 'pool'; range: UidRange; gid?: number } | { kind: 'fixed'; runAs: RunAs }

/** The identity the options ask for. */
export function policyIdentity(
  init: { runAsUid?: number | null; runAsGid?: number | null; uidRange?: UidRange },
  isRoot: boolean,
): PolicyIdentity {
  if (init.runAsUid === undefined && isRoot) {
    const range = init.uidRange ?? DEFAULT_UID_RANGE
    return { kind: 'pool', range, ...(typeof init.runAsGid === 'number' ? { gid: init.runAsGid } : {}) }
  }
  const uid = init.runAsUid ?? null
  const gid = init.runAsGid === undefined ? uid : init.runAsGid
  return { kind: 'fixed', runAs: { ...(uid !== null ? { uid } : {}), ...(gid !== null ? { gid } : {}) } }
}

/** One policy's identity; `release()` (idempotent) hands a pooled uid back. */
export interface PolicyUser {
  runAs: RunAs
  release(): void
}

/** A user for one policy start, or undefined when the pool has no free uid. */
export async function claimPolicyUser(identity: PolicyIdentity): Promise<PolicyUser | undefined> {
  if (identity.kind === 'fixed') return { runAs: identity.runAs, release: () => {} }
  const uid = await acquireUid(identity.range)
  if (uid === undefined) return undefined
  return { runAs: { uid, gid: identity.gid ?? uid }, release: () => releaseUid(uid) }
}

/** The identity the bubblewrap probe runs as: the same kind of uid real runs get. */
export function probeRunAs(identity: PolicyIdentity): RunAs {
  if (identity.kind === 'fixed') return identity.runAs
  return { uid: identity.range.first, gid: identity.gid ?? identity.range.first }
}
