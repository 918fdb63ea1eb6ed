import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageError } from './errors.js'

/** The optional file in a policy folder that lists more paths to leave out of the package. */
export const IGNORE_FILE = '.kinitroignore'

/** Left out at any depth: version control, dependency trees and caches a policy never needs at run time. */
export const ALWAYS_EXCLUDED_NAMES: readonly string[] = ['.git', 'node_modules', '__pycache__', '.venv']

/** Decides whether a path (relative, forward slashes) is left out. Folders are asked before their contents. */
export type IgnoreMatcher = (path: string, isDir: boolean) => boolean

interface Rule {
  regex: RegExp
  dirOnly: boolean
  line: number
  source: string
}

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&')
}

/**
 * A glob as a regular expression over the whole relative path. `**` spans folders, `*` and `?` stay inside
 * one path segment. Without a slash (other than a trailing one) a pattern matches the name at any depth, as
 * in .gitignore; with one it is anchored at the policy folder.
 */
function compile(glob: string): RegExp {
  const anchored = glob.includes('/')
  const body = glob.replace(/^\//, '')
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === '*' && body[i + 1] === '*') {
      const slashAfter = body[i + 2] === '/'
      out += slashAfter ? '(?:.*/)?' : '.*'
      i += slashAfter ? 2 : 1
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else out += escapeRegex(c)
  }
  return new RegExp(anchored ? `^${out}$` : `^(?:.*/)?${out}$`)
}

/** Parses `.kinitroignore` text. Throws `MINER_PACKAGE_BAD_IGNORE` for a line it cannot honour. */
export function parseIgnore(text: string): Rule[] {
  const rules: Rule[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const where = `${IGNORE_FILE}:${index + 1}`
    // Silently packing a file the miner tried to re-include would be worse than refusing.
    if (line.startsWith('!')) throw packageError('MINER_PACKAGE_BAD_IGNORE', where, `${where}: "!" is not supported`)
    if (line.includes('\\')) throw packageError('MINER_PACKAGE_BAD_IGNORE', where, `${where}: use / in paths`)
    const dirOnly = line.endsWith('/')
    const glob = dirOnly ? line.slice(0, -1) : line
    if (glob === '' || glob === '/') {
      throw packageError('MINER_PACKAGE_BAD_IGNORE', where, `${where}: the pattern would leave out everything`)
    }
    rules.push({ regex: compile(glob), dirOnly, line: index + 1, source: line })
  })
  return rules
}

/**
 * The exclusion rule of a policy folder: {@link ALWAYS_EXCLUDED_NAMES}, the given top-level paths (the output
 * folder), and the folder's `.kinitroignore` when it has one.
 */
export function loadIgnore(dir: string, topLevel: readonly string[]): IgnoreMatcher {
  const file = join(dir, IGNORE_FILE)
  const rules = existsSync(file) ? parseIgnore(readFileSync(file, 'utf8')) : []
  const fixed = new Set(topLevel)
  return (path, isDir) => {
    const name = path.slice(path.lastIndexOf('/') + 1)
    if (ALWAYS_EXCLUDED_NAMES.includes(name) || fixed.has(path)) return true
    return rules.some((r) => (isDir || !r.dirOnly) && r.regex.test(path))
  }
}
