import { existsSync, readFileSync } from 'node:fs'

/** The format tag of `build/policy.json`; bump it when a field changes meaning. */
export const PACKAGE_FORMAT = 'kinitro-policy-package/1'

/**
 * `build/policy.json`: what the archive holds and its digest. `upload` sends the archive and reads `archive`
 * from here; `commit` and `verify` compare the uploaded bytes against `archive.sha256`. No timestamps: the
 * same folder gives the same manifest.
 */
export interface PackageManifest {
  format: typeof PACKAGE_FORMAT
  /** `name` from kinitro.json. */
  name: string
  /** The command validators run (`{port}` is substituted). */
  entry: string[]
  /** Every file in the archive, in archive order. */
  files: { path: string; bytes: number; sha256: string }[]
  archive: { sha256: string; bytes: number }
  /** `kinitro <version>` that wrote it. */
  tool: string
}

// miner-cli/src/package → the repository's package.json from source; dist/miner-cli/src/package from the build.
function kinitroVersion(): string {
  for (const rel of ['../../../package.json', '../../../../package.json']) {
    const url = new URL(rel, import.meta.url)
    if (!existsSync(url)) continue
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string }
    if (pkg.name === 'kinitro-mesh' && pkg.version !== undefined) return pkg.version
  }
  return '0.0.0-unknown'
}

/** `kinitro <version>`, recorded in every manifest. */
export const TOOL = `kinitro ${kinitroVersion()}`

/**
 * Files of the policy folder that the entry command names: arguments that look like a path to a script
 * (`server.py`, `dist/server.js`). Interpreter names and flags are not files; an absolute path is the
 * evaluator's business, not the package's.
 */
export function entryFiles(entry: readonly string[]): string[] {
  return entry
    .slice(1)
    .filter((arg) => !arg.startsWith('-') && !arg.includes('{') && !arg.startsWith('/'))
    .filter((arg) => /\.(py|m?js|cjs|sh)$/i.test(arg) || arg.includes('/'))
    .map((arg) => arg.replace(/^\.\//, ''))
}
