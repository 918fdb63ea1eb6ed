// `npm run pack [-- <npm pack options>]`: the installable tarball, with the `kinitro` bin.
//
// The checkout's package.json declares no `bin` on purpose. With one, npm 11 treats `npx kinitro` in the
// checkout as running the project's own bin: it tries to install the checkout into its npx cache and fails
// (ENOENT on ~/.npm/_npx/<hash>/package.json), so the README's commands would not run. The bin reaches
// node_modules/.bin through the `bin/` workspace instead. The tarball needs it in its own manifest, so this
// script packs a staged copy whose package.json adds it; everything else is what `.npmignore` lets through.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('pack: dist/ is missing; run `npm run build` first (npm ci does it)')
  process.exit(1)
}
const stage = mkdtempSync(join(tmpdir(), 'kinitro-pack-'))
try {
  for (const entry of ['README.md', 'LICENSE', '.npmignore', 'bin', 'compat', 'dist']) {
    cpSync(join(root, entry), join(stage, entry), { recursive: true })
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const { workspaces, ...rest } = manifest
  const packed = { ...rest, bin: { kinitro: './bin/kinitro.mjs' }, workspaces }
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(packed, null, 2)}\n`)
  const args = process.argv.slice(2)
  // A relative destination means the caller's directory, as with `npm pack`.
  const at = args.indexOf('--pack-destination')
  if (at >= 0 && args[at + 1] !== undefined) args[at + 1] = resolve(process.env.INIT_CWD ?? process.cwd(), args[at + 1])
  else args.push('--pack-destination', process.env.INIT_CWD ?? process.cwd())
  // The build already ran; `prepare` would run it again inside the stage, which has no sources.
  execFileSync('npm', ['pack', '--ignore-scripts', ...args], { cwd: stage, stdio: 'inherit' })
} finally {
  rmSync(stage, { recursive: true, force: true })
}
