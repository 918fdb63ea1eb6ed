import { stringify } from 'smol-toml'
import { describeConfig } from '#protocol'
import { MINER_CONFIG_FILE, minerConfigSchema } from '../config.js'

/** Values `init` sets in the project file; everything else is written as a commented example. */
export interface ProjectSettings {
  repo?: string
  competition?: string
}

// Examples for keys that have no default, so every commented line shows the shape of a real value.
const EXAMPLES: Readonly<Record<string, unknown>> = {
  'policy.competition': 'reach-v1',
  'hub.repo': 'your-name/your-policy',
  'chain.url': 'wss://entrypoint-finney.opentensor.ai:443',
  's3.bucket': 'my-policies',
  's3.endpoint': 'https://<account>.r2.cloudflarestorage.com',
  's3.publicUrl': 'https://pub-<id>.r2.dev',
}

/** `key = value` in TOML syntax (smol-toml quotes and escapes). */
function assignment(key: string, value: unknown): string {
  return stringify({ [key]: value }).trim()
}

/**
 * The `kinitro-miner.toml` that `init` writes: `policy.dir = "."` (the folder itself), the hub repo and
 * competition when given, and every other setting of the miner commands as a commented line with its
 * description, so the file documents itself. Keys come from `minerConfigSchema`, so the file cannot list a
 * setting the loader would reject.
 */
export function renderProjectConfig(settings: ProjectSettings): string {
  const set = new Map<string, unknown>([['policy.dir', '.']])
  if (settings.competition !== undefined) set.set('policy.competition', settings.competition)
  if (settings.repo !== undefined) set.set('hub.repo', settings.repo)

  const sections = new Map<string, string[]>()
  for (const key of describeConfig(minerConfigSchema)) {
    const dot = key.path.indexOf('.')
    const section = dot < 0 ? '' : key.path.slice(0, dot)
    const leaf = dot < 0 ? key.path : key.path.slice(dot + 1)
    const lines = sections.get(section) ?? []
    sections.set(section, lines)
    if (key.description !== undefined) lines.push(`# ${key.description} (env ${key.env}, flag ${key.flag})`)
    if (set.has(key.path)) lines.push(assignment(leaf, set.get(key.path)))
    else lines.push(`# ${assignment(leaf, key.defaultValue ?? EXAMPLES[key.path] ?? '')}`)
  }

  const out = [
    `# ${MINER_CONFIG_FILE}: settings of the \`kinitro miner\` commands run in this folder.`,
    '# Precedence: defaults < this file (or --config) < KINITRO_* environment < command-line flags.',
    '# Secrets never go here: the Hugging Face token comes from HF_TOKEN, S3 credentials from AWS_*, the hotkey',
    '# from its wallet file (or KINITRO_HOTKEY_MNEMONIC).',
  ]
  for (const [section, lines] of sections) {
    out.push('')
    if (section !== '') out.push(`[${section}]`)
    out.push(...lines)
  }
  return `${out.join('\n')}\n`
}
