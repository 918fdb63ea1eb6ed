import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { scaffoldError } from './errors.js'

/** The policy templates `kinitro miner init` offers; each is a folder under `miner-cli/templates/`. */
export const TEMPLATE_NAMES = ['python', 'typescript'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]

/** One line each, for `--help` and the printed next steps. */
export const TEMPLATE_SUMMARY: Readonly<Record<TemplateName, string>> = {
  python: 'Python standard-library server (http.server); runs with python3 as is',
  typescript: 'TypeScript on node:http, no runtime dependencies; npm install && npm run build before eval',
}

// miner-cli/src/scaffold → miner-cli/templates, in the source tree and in dist/ alike (the build copies them).
const TEMPLATES_ROOT = fileURLToPath(new URL('../../templates/', import.meta.url))

/** Policy names become the package name and `kinitro.json` name: npm's rules are the stricter of the two. */
export const POLICY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** A file of a rendered template: its path (forward slashes) relative to the policy folder. */
export interface TemplateFile {
  path: string
  bytes: Buffer
  /** 0o755 when the template's file is executable, else 0o644. */
  mode: number
}

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name)
}

/** A usable policy name from a folder name: `My Policy!` → `my-policy`. */
export function policyNameFrom(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '')
  return POLICY_NAME.test(name) ? name : 'policy'
}

export function checkPolicyName(name: string): string {
  if (!POLICY_NAME.test(name)) {
    throw scaffoldError('MINER_SCAFFOLD_BAD_NAME', name, `"${name}" is not a valid policy name`)
  }
  return name
}

function listFiles(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`
      // A template that was run in place (tests, curious miners) may hold build output: never scaffold it.
      if (['node_modules', '__pycache__', 'dist', 'build'].includes(entry.name)) return []
      return entry.isDirectory() ? listFiles(root, rel) : entry.isFile() ? [rel] : []
    })
}

/**
 * The files of template `name` with `{{name}}` replaced by the policy name, in path order. Templates are
 * plain folders (runnable and testable as they are); the placeholder appears only in comments, names and docs.
 */
export function renderTemplate(template: string, vars: { name: string }): TemplateFile[] {
  if (!isTemplateName(template)) {
    throw scaffoldError(
      'MINER_SCAFFOLD_UNKNOWN_TEMPLATE',
      template,
      `no template "${template}" (known: ${TEMPLATE_NAMES.join(', ')})`,
    )
  }
  const root = join(TEMPLATES_ROOT, template)
  return listFiles(root).map((path) => {
    const full = join(root, path)
    const text = readFileSync(full, 'utf8')
    return {
      // npm never packs a file named .gitignore, so templates keep it as `gitignore` (create-react-app's fix).
      path: path.replace(/(^|\/)gitignore$/u, '$1.gitignore'),
      bytes: Buffer.from(text.replaceAll('{{name}}', vars.name), 'utf8'),
      mode: statSync(full).mode & 0o111 ? 0o755 : 0o644,
    }
  })
}
