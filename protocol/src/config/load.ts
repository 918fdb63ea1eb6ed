import { readFileSync } from 'node:fs'
import { parse as parseToml } from 'smol-toml'
import type { z } from 'zod'
import { ConfigError, type ConfigIssue } from '../errors.js'
import { type ConfigKey, coerce, describeConfig } from './keys.js'

/** Where configuration comes from. Later sources win: defaults < file < env < flags. */
export interface ConfigSources {
  /** A TOML file. Missing keys take the schema's defaults; unknown keys are rejected. */
  file?: string
  /** Environment (only `KINITRO_*` names derived from the schema are read). @default process.env */
  env?: Record<string, string | undefined>
  /** Flag values by commander attribute name (`chainUrl`) or dotted path (`chain.url`). Undefined is ignored. */
  flags?: Record<string, unknown>
}

export interface LoadedConfig<T> {
  config: T
  /** Which source supplied each key that did not come from the defaults. */
  origin: Record<string, ConfigIssue['source']>
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let node = target
  for (const p of parts.slice(0, -1)) {
    const next = node[p]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[p] = {}
    node = node[p] as Record<string, unknown>
  }
  node[parts.at(-1) as string] = value
}

function getPath(source: unknown, path: (string | number | symbol)[]): unknown {
  let node = source
  for (const p of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string | number | symbol, unknown>)[p]
  }
  return node
}

function readToml(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new ConfigError(
      { code: 'CONFIG_FILE_UNREADABLE', path, reason },
      `cannot read config file ${path}: ${reason}`,
    )
  }
  try {
    return parseToml(text) as Record<string, unknown>
  } catch (err) {
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err)
    throw new ConfigError(
      { code: 'CONFIG_FILE_MALFORMED', path, reason },
      `config file ${path} is not valid TOML: ${reason}`,
    )
  }
}

function flattenLeaves(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
      ? flattenLeaves(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  )
}

/** Describe what a leaf expects, for error messages. */
function expectation(key: ConfigKey | undefined, issue: z.core.$ZodIssue): string {
  if (key?.choices) return `one of ${key.choices.map((c) => JSON.stringify(c)).join(', ')}`
  if (issue.code === 'invalid_type') return `a value of type ${issue.expected}`
  return issue.message
}

/**
 * Load and validate configuration from a TOML file, `KINITRO_*` environment variables and CLI flags.
 * Throws {@link ConfigError} `CONFIG_INVALID` listing every bad key with its value, source and expectation.
 */
export function loadConfig<S extends z.ZodType>(schema: S, sources: ConfigSources = {}): LoadedConfig<z.output<S>> {
  const keys = describeConfig(schema)
  const byPath = new Map(keys.map((k) => [k.path, k]))
  const merged: Record<string, unknown> = {}
  const origin: Record<string, ConfigIssue['source']> = {}

  if (sources.file) {
    const file = readToml(sources.file)
    Object.assign(merged, file)
    for (const p of flattenLeaves(file)) origin[p] = 'file'
  }
  const env = sources.env ?? process.env
  for (const key of keys) {
    const raw = env[key.env]
    if (raw === undefined) continue
    setPath(merged, key.path, coerce(key, raw))
    origin[key.path] = 'env'
  }
  for (const [name, raw] of Object.entries(sources.flags ?? {})) {
    if (raw === undefined) continue
    const key = byPath.get(name) ?? keys.find((k) => k.attribute === name)
    if (!key) continue
    setPath(merged, key.path, coerce(key, raw))
    origin[key.path] = 'flag'
  }

  const parsed = schema.safeParse(merged)
  if (parsed.success) return { config: parsed.data, origin }

  const issues: ConfigIssue[] = []
  for (const issue of parsed.error.issues) {
    const base = issue.path.map(String)
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const path = [...base, k].join('.')
        const siblings = keys
          .filter((x) => x.path.startsWith(base.length ? `${base.join('.')}.` : ''))
          .map((x) => x.path)
        issues.push({
          key: path,
          value: getPath(merged, [...base, k]),
          expected: `no such setting; known: ${siblings.join(', ')}`,
          source: origin[path] ?? 'file',
        })
      }
      continue
    }
    const path = base.join('.')
    const key = byPath.get(path)
    issues.push({
      key: path || '(root)',
      value: getPath(merged, issue.path),
      expected: expectation(key, issue),
      source: origin[path] ?? 'default',
    })
  }
  const lines = issues.map((i) => {
    const key = byPath.get(i.key)
    const where =
      i.source === 'env' && key
        ? `env ${key.env}`
        : i.source === 'flag' && key
          ? `flag ${key.flag}`
          : i.source === 'file'
            ? `file ${sources.file}`
            : i.source
    return `  ${i.key} = ${JSON.stringify(i.value)} (from ${where}): expected ${i.expected}`
  })
  throw new ConfigError({ code: 'CONFIG_INVALID', issues }, `invalid configuration:\n${lines.join('\n')}`)
}
