import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { MINER_CONFIG_FILE, minerConfigSchema } from '../config.js'
import { scaffoldError } from './errors.js'
import { type ProjectSettings, renderProjectConfig } from './project-config.js'
import { checkPolicyName, policyNameFrom, renderTemplate, type TemplateName } from './templates.js'

export interface ScaffoldOptions extends ProjectSettings {
  /** The policy folder (created when missing). */
  dir: string
  template: TemplateName | string
  /** @default derived from the folder name */
  name?: string
  /** Write into a folder that already holds files, replacing files with the template's names. @default false */
  force?: boolean
}

export interface ScaffoldResult {
  dir: string
  template: string
  name: string
  /** Every file written, in path order; `replaced` only with `force`. */
  files: { path: string; action: 'created' | 'replaced' }[]
}

// A fresh `git init` is still an empty project folder.
const IGNORED_WHEN_CHECKING_EMPTY = new Set(['.git'])

function checkTarget(dir: string, force: boolean): void {
  if (!existsSync(dir)) return
  if (!statSync(dir).isDirectory()) {
    throw scaffoldError('MINER_SCAFFOLD_NOT_A_DIR', dir, `${dir} exists and is not a folder`)
  }
  const present = readdirSync(dir).filter((n) => !IGNORED_WHEN_CHECKING_EMPTY.has(n))
  if (present.length > 0 && !force) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? ', …' : '')
    throw scaffoldError('MINER_SCAFFOLD_DIR_NOT_EMPTY', dir, `${dir} is not empty (${shown})`)
  }
}

function checkSettings(settings: ProjectSettings): void {
  const parsed = minerConfigSchema.safeParse({
    hub: settings.repo === undefined ? {} : { repo: settings.repo },
    policy: settings.competition === undefined ? {} : { competition: settings.competition },
  })
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => i.path.join('.')).join(', ')
    throw scaffoldError('MINER_SCAFFOLD_BAD_SETTING', what, `invalid ${what}: ${parsed.error.issues[0]?.message}`)
  }
}

/**
 * Writes a policy folder: the template's files (with `{{name}}` filled in) and `kinitro-miner.toml`. Checks
 * everything before writing anything, so a refused init leaves the folder as it was.
 */
export function scaffoldPolicy(opts: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(opts.dir)
  const name = opts.name === undefined ? policyNameFrom(basename(dir)) : checkPolicyName(opts.name)
  const settings: ProjectSettings = {
    ...(opts.repo === undefined ? {} : { repo: opts.repo }),
    ...(opts.competition === undefined ? {} : { competition: opts.competition }),
  }
  checkSettings(settings)
  const files = renderTemplate(opts.template, { name })
  files.push({ path: MINER_CONFIG_FILE, bytes: Buffer.from(renderProjectConfig(settings)), mode: 0o644 })
  checkTarget(dir, opts.force === true)

  const written: ScaffoldResult['files'] = []
  for (const file of files) {
    const target = join(dir, file.path)
    const existed = existsSync(target)
    try {
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, file.bytes, { mode: file.mode })
    } catch (err) {
      const reason = `cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`
      throw scaffoldError('MINER_SCAFFOLD_WRITE_FAILED', target, reason, err)
    }
    written.push({ path: file.path, action: existed ? 'replaced' : 'created' })
  }
  return { dir, template: opts.template, name, files: written }
}
