import { execFileSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Whether an executable named `tool` is on PATH. */
export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** A parsed systemd unit: every `Key=value` of each section, in file order (keys may repeat). */
export type UnitFile = Map<string, [key: string, value: string][]>

/** Parse unit-file syntax (systemd.syntax(7)): sections, `#`/`;` comments, backslash continuations. */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map()
  let section: [string, string][] | undefined
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = pending + raw.trim()
    pending = ''
    if (line.endsWith('\\')) {
      pending = `${line.slice(0, -1)} `
      continue
    }
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      section = []
      unit.set(header[1] as string, section)
      continue
    }
    const eq = line.indexOf('=')
    if (section === undefined || eq < 1) throw new Error(`not a unit-file line: ${line}`)
    section.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()])
  }
  return unit
}

/** Every value of `key` in `section`, in order. */
export function values(unit: UnitFile, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v)
}

/** The last value of `key` (later assignments win for single-valued settings), or undefined. */
export function value(unit: UnitFile, section: string, key: string): string | undefined {
  return values(unit, section, key).at(-1)
}

/** True for systemd's boolean "yes" spellings. */
export function isYes(v: string | undefined): boolean {
  return v !== undefined && ['1', 'yes', 'y', 'true', 't', 'on'].includes(v.toLowerCase())
}

/** Split a command line the way ExecStart= does for the simple cases we write (no `$VAR`, no escapes). */
export function splitCommand(line: string): string[] {
  const words: string[] = []
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push((m[1] ?? m[2] ?? m[3]) as string)
  return words
}

/** Parse an EnvironmentFile= (KEY=value lines, `#` comments) into a record. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const eq = line.indexOf('=')
    if (eq < 1) throw new Error(`not an environment line: ${line}`)
    env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return env
}

/** The system call groups this host's systemd knows (`systemd-analyze syscall-filter`), fully expanded. */
export function syscallGroups(): Map<string, Set<string>> {
  const text = execFileSync('systemd-analyze', ['syscall-filter', '--no-pager'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const direct = new Map<string, string[]>()
  let current: string[] | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('@')) {
      current = []
      direct.set(line.trim(), current)
    } else if (current && /^\s+[-@a-z0-9_]+$/.test(line)) current.push(line.trim())
    else if (line.trim() === '') current = undefined
  }
  const expanded = new Map<string, Set<string>>()
  const expand = (group: string, into: Set<string>): Set<string> => {
    for (const item of direct.get(group) ?? []) {
      if (item.startsWith('@')) expand(item, into)
      else into.add(item)
    }
    return into
  }
  for (const group of direct.keys()) expanded.set(group, expand(group, new Set()))
  return expanded
}

/**
 * The system calls a service may make under its SystemCallFilter= lines (systemd.exec(5)): the first line
 * decides allow-list or deny-list mode; later lines add to the allow list or, with `~`, take away from it.
 */
export function allowedSyscalls(filters: string[], groups: Map<string, Set<string>>): Set<string> {
  const names = (list: string): string[] =>
    list.split(/\s+/).flatMap((item) => {
      if (!item.startsWith('@')) return [item]
      const members = groups.get(item)
      if (members === undefined) throw new Error(`unknown system call group ${item}`)
      return [...members]
    })
  // A first `~` line would mean deny-list mode (start from everything); our units do not use it.
  if (filters[0]?.startsWith('~')) throw new Error('deny-list-first SystemCallFilter= is not supported here')
  const allowed = new Set<string>()
  for (const filter of filters) {
    if (filter.startsWith('~')) for (const n of names(filter.slice(1))) allowed.delete(n)
    else for (const n of names(filter)) allowed.add(n)
  }
  return allowed
}

/** Address family numbers strace prints for `socket(...)` under `-X raw`, by RestrictAddressFamilies= name. */
export const ADDRESS_FAMILIES: Record<number, string> = { 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK' }

/** System call names and socket families in an `strace -f -X raw` log. */
export function tracedCalls(file: string): { syscalls: Set<string>; families: Set<string> } {
  const syscalls = new Set<string>()
  const families = new Set<string>()
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]/.exec(line)
    if (!m) continue
    syscalls.add(m[1] as string)
    const socket = /^\d+\s+socket\((0x[0-9a-f]+|\d+)/.exec(line)
    if (socket) {
      const n = Number(socket[1])
      families.add(ADDRESS_FAMILIES[n] ?? `family ${n}`)
    }
  }
  return { syscalls, families }
}
