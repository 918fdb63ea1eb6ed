import type { z } from 'zod'

/** One leaf setting of a config schema, with every name it can be given by. */
export interface ConfigKey {
  /** Dotted path in the TOML file: `chain.url` is `[chain] url = …`. */
  path: string
  /** Environment variable: `KINITRO_CHAIN_URL`. */
  env: string
  /** CLI flag: `--chain-url`. */
  flag: string
  /** The attribute commander gives the flag: `chainUrl`. */
  attribute: string
  /** Leaf kind, used to coerce env/flag strings. */
  kind: 'string' | 'number' | 'boolean' | 'array' | 'enum' | 'other'
  description?: string
  defaultValue?: unknown
  choices?: readonly string[]
}

type AnySchema = z.ZodType

// Zod 4 exposes the schema kind as `.type` and wrapper internals on `.def`; we only need to see through
// defaults/optionals/nullables to find the leaf kind and its default.
interface Introspectable {
  type: string
  description?: string
  def: { innerType?: AnySchema; defaultValue?: unknown; entries?: Record<string, string> }
  shape?: Record<string, AnySchema>
  options?: readonly string[]
}

function unwrap(schema: AnySchema): { leaf: Introspectable; defaultValue?: unknown; description?: string } {
  let s = schema as unknown as Introspectable
  let defaultValue: unknown
  let description = s.description
  while (s.type === 'default' || s.type === 'optional' || s.type === 'nullable' || s.type === 'prefault') {
    if (s.type === 'default' && defaultValue === undefined) defaultValue = s.def.defaultValue
    s = s.def.innerType as unknown as Introspectable
    description ??= s.description
  }
  return { leaf: s, defaultValue, description }
}

const toSnake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
const toKebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
const toCamel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** Every leaf key of a (nested) object schema, with its env var and flag names. */
export function describeConfig(schema: AnySchema, envPrefix = 'KINITRO_'): ConfigKey[] {
  const out: ConfigKey[] = []
  const walk = (s: AnySchema, path: string[]) => {
    const { leaf, defaultValue, description } = unwrap(s)
    if (leaf.type === 'object' && leaf.shape) {
      for (const [k, child] of Object.entries(leaf.shape)) walk(child, [...path, k])
      return
    }
    const flag = path.map(toKebab).join('-')
    const kind = (['string', 'number', 'boolean', 'array', 'enum'] as const).find((k) => k === leaf.type) ?? 'other'
    out.push({
      path: path.join('.'),
      env: envPrefix + path.map(toSnake).join('_'),
      flag: `--${flag}`,
      attribute: toCamel(flag),
      kind,
      description,
      defaultValue,
      choices: kind === 'enum' ? leaf.options : undefined,
    })
  }
  walk(schema, [])
  return out
}

/** Turn an env/flag string into the leaf's type; leave it a string when it does not parse so the schema names it. */
export function coerce(key: ConfigKey, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw
  switch (key.kind) {
    case 'number': {
      const n = Number(raw)
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(v)) return true
      if (['0', 'false', 'no', 'off'].includes(v)) return false
      return raw
    }
    case 'array':
      return raw === '' ? [] : raw.split(',').map((x) => x.trim())
    default:
      return raw
  }
}
