import { execFile } from 'node:child_process'
import { constants, promises as fs } from 'node:fs'
import { delimiter, dirname, isAbsolute, join } from 'node:path'

/** Where a command's binary really lives, and the tree the sandbox must mount for it to run. */
export interface ResolvedCommand {
  /** argv with argv[0] replaced by the real executable (no PATH lookup or shim needed inside). */
  argv: string[]
  /** A directory outside the system tree (/usr) that must be visible read-only; undefined when none. */
  prefix?: string
}

const SYSTEM_TREES = ['/usr/', '/bin/', '/lib/', '/lib64/', '/sbin/']

async function isExecutable(path: string): Promise<boolean> {
  try {
    const st = await fs.stat(path)
    if (!st.isFile()) return false
    await fs.access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

async function whichAll(name: string, pathVar: string): Promise<string[]> {
  const found: string[] = []
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    if (await isExecutable(candidate)) found.push(candidate)
  }
  return found
}

/** pyenv (and similar) shims are shell scripts that exec the real interpreter; ask it where it is. */
function pythonSelf(shim: string): Promise<{ executable: string; prefix: string } | undefined> {
  return new Promise((resolve) => {
    execFile(
      shim,
      ['-c', 'import sys; print(sys.executable); print(sys.base_prefix)'],
      { timeout: 10_000 },
      (err, stdout) => {
        if (err) return resolve(undefined)
        const [executable, prefix] = stdout.trim().split('\n')
        resolve(executable && prefix ? { executable, prefix } : undefined)
      },
    )
  })
}

/**
 * Resolves `argv[0]` on the host. Only the validator's own PATH is searched; a relative path with a slash
 * is left alone (it names a file in the policy directory, which is mounted anyway). With `usable`, PATH
 * entries are tried in order and the first whose real executable passes is taken: a sandboxed policy runs
 * as another uid, and the first `python3` on root's PATH is often a pyenv build under /root it cannot read,
 * while the system's /usr/bin/python3 further down works. When none passes, the first is returned so the
 * caller reports it.
 */
export async function resolveCommand(
  argv: readonly string[],
  pathVar = process.env.PATH ?? '',
  usable?: (executable: string) => Promise<boolean>,
): Promise<ResolvedCommand> {
  const [head, ...rest] = argv
  if (head === undefined) return { argv: [] }
  if (!isAbsolute(head) && head.includes('/')) return { argv: [...argv] }
  const candidates = isAbsolute(head) ? [head] : await whichAll(head, pathVar)
  let first: ResolvedCommand | undefined
  for (const found of candidates) {
    const resolved = await resolveFound(head, found, rest)
    first ??= resolved
    if (usable === undefined || (await usable(resolved.argv[0] as string))) return resolved
  }
  return first ?? { argv: [...argv] }
}

async function resolveFound(head: string, found: string, rest: string[]): Promise<ResolvedCommand> {
  let real = await fs.realpath(found)
  let prefix: string | undefined
  if (/^python[0-9.]*$/.test(head) && real.includes('/shims/')) {
    const self = await pythonSelf(found)
    if (self) {
      real = await fs.realpath(self.executable)
      prefix = self.prefix
    }
  }
  if (SYSTEM_TREES.some((tree) => real.startsWith(tree))) return { argv: [real, ...rest] }
  return { argv: [real, ...rest], prefix: prefix ?? dirname(dirname(real)) }
}

/**
 * True when a process of another uid could reach `path` through the "others" permission bits: every
 * ancestor directory searchable and the target readable. Used before dropping to the sandbox uid.
 */
export async function reachableByOthers(path: string): Promise<boolean> {
  let current = path
  try {
    const target = await fs.stat(current)
    const need = target.isDirectory() ? 0o005 : 0o004
    if ((target.mode & need) !== need) return false
    for (;;) {
      const parent = dirname(current)
      if (parent === current) return true
      const st = await fs.stat(parent)
      if ((st.mode & 0o001) === 0) return false
      current = parent
    }
  } catch {
    return false
  }
}
