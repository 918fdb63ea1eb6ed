import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { PolicySource } from '../runtime/types.js'
import { EvaluationError } from './errors.js'

/**
 * `kinitro.json` at the root of a policy artifact: what starts the server. `{port}` in `entry` becomes the
 * port the policy must listen on (127.0.0.1). `image` is only used by the Kubernetes runtime.
 */
export const policyManifestSchema = z.strictObject({
  name: z.string().min(1).max(64),
  entry: z.array(z.string().min(1).max(256)).min(1).max(32),
  image: z.string().optional(),
  description: z.string().max(1000).optional(),
})

export type PolicyManifest = z.output<typeof policyManifestSchema>

const MANIFEST_FILE = 'kinitro.json'

// Without a manifest, the reference template's layout (server.py) or ours (server.mjs) is enough.
const CONVENTIONAL_ENTRIES: readonly [string, readonly string[]][] = [
  ['server.py', ['python3', 'server.py', '--port', '{port}']],
  ['server.mjs', ['node', 'server.mjs', '--port', '{port}']],
]

function invalid(dir: string, reason: string): never {
  throw new EvaluationError(
    { code: 'EVAL_POLICY_MANIFEST_INVALID', dir, reason, failure: 'policy_artifact_invalid' },
    `policy folder ${dir}: ${reason}`,
  )
}

/** Reads and validates a policy folder's `kinitro.json` (or infers the entry from a conventional server file). */
export function readPolicyManifest(dir: string): PolicyManifest {
  const path = join(dir, MANIFEST_FILE)
  if (!existsSync(path)) {
    const found = CONVENTIONAL_ENTRIES.find(([file]) => existsSync(join(dir, file)))
    if (found === undefined) invalid(dir, `no ${MANIFEST_FILE}, server.py or server.mjs`)
    return { name: 'policy', entry: [...found[1]] }
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    invalid(dir, `${MANIFEST_FILE} is not JSON (${(err as Error).message})`)
  }
  const parsed = policyManifestSchema.safeParse(raw)
  if (!parsed.success)
    invalid(dir, `${MANIFEST_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`)
  if (!parsed.data.entry.includes('{port}')) invalid(dir, 'entry must pass {port} to the server')
  return parsed.data
}

/** A runtime source for a policy folder. */
export function policySourceFromDir(dir: string, label?: string): PolicySource {
  const abs = resolve(dir)
  const manifest = readPolicyManifest(abs)
  return {
    dir: abs,
    command: manifest.entry,
    label: label ?? manifest.name,
    ...(manifest.image === undefined ? {} : { image: manifest.image }),
  }
}

/** The sample policies shipped with the evaluator (real policy artifacts; tests and the devnet run them). */
export const SAMPLE_POLICIES = ['expert', 'mediocre', 'random', 'python-template'] as const
export type SamplePolicyName = (typeof SAMPLE_POLICIES)[number]

// evaluator/src/evaluation → evaluator/policies, in the source tree and in dist/ alike (build copies them).
const POLICIES_ROOT = fileURLToPath(new URL('../../policies/', import.meta.url))

/** Absolute folder of a sample policy. */
export function samplePolicyDir(name: string): string {
  if (!(SAMPLE_POLICIES as readonly string[]).includes(name)) {
    throw new EvaluationError(
      { code: 'EVAL_SAMPLE_POLICY_UNKNOWN', name, known: [...SAMPLE_POLICIES] },
      `unknown sample policy "${name}" (known: ${SAMPLE_POLICIES.join(', ')})`,
    )
  }
  return join(POLICIES_ROOT, name)
}
