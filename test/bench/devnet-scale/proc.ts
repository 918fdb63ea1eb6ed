import { readdirSync, readFileSync } from 'node:fs'

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream kernel config). */
const TICKS_PER_SEC = 100
const PAGE_BYTES = 4096

/** What one read of /proc/<pid>/stat says about a process. */
export interface ProcStat {
  pid: number
  ppid: number
  /** utime + stime of the process itself, seconds. */
  cpuSec: number
  /** cutime + cstime: children it has reaped (a validator's finished policy processes), seconds. */
  childCpuSec: number
  rssBytes: number
  /** Start time in ticks since boot: with the pid, it names a process uniquely (pids are reused). */
  startTicks: number
}

/**
 * Parse one /proc/<pid>/stat line. The command name (field 2) is in parentheses and may hold spaces and
 * parentheses itself, so fields are counted from the last `)`.
 */
export function parseStat(line: string): ProcStat | undefined {
  const close = line.lastIndexOf(')')
  if (close < 0) return undefined
  const pid = Number(line.slice(0, line.indexOf(' ')))
  // After ")": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17) … rss(24); index 0 is field 3.
  const f = line
    .slice(close + 2)
    .trim()
    .split(/\s+/u)
  const n = (field: number) => Number(f[field - 3])
  if (f.length < 22 || !Number.isFinite(pid)) return undefined
  return {
    pid,
    ppid: n(4),
    cpuSec: (n(14) + n(15)) / TICKS_PER_SEC,
    childCpuSec: (n(16) + n(17)) / TICKS_PER_SEC,
    rssBytes: n(24) * PAGE_BYTES,
    startTicks: n(22),
  }
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return undefined // exited between the directory listing and the read
  }
}

/** Every live descendant of `root` (root included), from one scan of /proc. */
export function processTree(root: number): ProcStat[] {
  const all = new Map<number, ProcStat>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/u.test(name)) continue
    const s = readStat(Number(name))
    if (s !== undefined) all.set(s.pid, s)
  }
  const kids = new Map<number, number[]>()
  for (const s of all.values()) kids.set(s.ppid, [...(kids.get(s.ppid) ?? []), s.pid])
  const out: ProcStat[] = []
  const stack = [root]
  while (stack.length > 0) {
    const pid = stack.pop() as number
    const s = all.get(pid)
    if (s === undefined) continue
    out.push(s)
    stack.push(...(kids.get(pid) ?? []))
  }
  return out
}

/** Per process: the latest CPU figures and the peak RSS seen over a run. */
export interface ProcUsage {
  pid: number
  kind: ProcessKind
  name: string
  cpuSec: number
  childCpuSec: number
  peakRssBytes: number
}

export type ProcessKind = 'devnet' | 'validator' | 'indexer' | 'policy'

/**
 * Samples a devnet's process tree: the devnet, the validators and indexer it names in its event log, and
 * anything below a validator (policy processes, counted as `policy` while alive; once reaped their CPU
 * shows in the validator's `childCpuSec`).
 */
export class ProcSampler {
  readonly #root: number
  readonly #names = new Map<number, string>()
  readonly #usage = new Map<number, ProcUsage>()
  readonly #start = new Map<number, number>()

  constructor(root: number) {
    this.#root = root
    this.#names.set(root, 'devnet')
  }

  name(pid: number, name: string): void {
    this.#names.set(pid, name)
  }

  /**
   * Processes seen during the run that are still alive now: the same pid with the same start time (a pid
   * seen once may since belong to someone else's process, which must not be killed).
   */
  alive(): number[] {
    return [...this.#usage.values()].flatMap((u) => {
      let now: ProcStat | undefined
      try {
        now = parseStat(readFileSync(`/proc/${u.pid}/stat`, 'utf8'))
      } catch {
        return []
      }
      return now?.startTicks === this.#start.get(u.pid) ? [u.pid] : []
    })
  }

  sample(): void {
    for (const s of processTree(this.#root)) {
      const name = this.#names.get(s.pid) ?? `pid-${s.pid}`
      const kind: ProcessKind =
        s.pid === this.#root
          ? 'devnet'
          : name.startsWith('validator')
            ? 'validator'
            : name === 'indexer'
              ? 'indexer'
              : 'policy'
      const prev = this.#usage.get(s.pid)
      if (prev === undefined) this.#start.set(s.pid, s.startTicks)
      this.#usage.set(s.pid, {
        pid: s.pid,
        kind,
        name,
        cpuSec: s.cpuSec,
        childCpuSec: s.childCpuSec,
        peakRssBytes: Math.max(prev?.peakRssBytes ?? 0, s.rssBytes),
      })
    }
  }

  usage(): ProcUsage[] {
    return [...this.#usage.values()]
  }
}
