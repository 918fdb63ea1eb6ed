// tsc only emits .ts; runtime assets that live beside the sources (zero-dependency .mjs helpers that run
// inside a sandbox, MJCF scenes) must sit at the same relative place under dist/ so `import.meta.url`
// lookups work in both the source and the built tree.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'

const ASSET_EXTENSIONS = new Set(['.mjs', '.xml', '.py', '.json'])

function copyAssets(dir, all) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (name === 'node_modules' || name === '__pycache__') continue
    if (statSync(path).isDirectory()) copyAssets(path, all)
    else if (all || ASSET_EXTENSIONS.has(extname(name))) cpSync(path, join('dist', path))
  }
}

copyAssets('evaluator/src', false)
// The indexer's dashboard is plain HTML/CSS/JS served from beside its plugin: copied whole.
copyAssets('backend-indexer/src/dashboard/assets', true)
// Sample policies and templates are artifacts in their own right: copied whole, replacing the last build's
// copy so a file removed or renamed in the source does not linger in dist/ (and in the npm tarball).
for (const dir of ['evaluator/policies', 'miner-cli/templates']) {
  rmSync(join('dist', dir), { recursive: true, force: true })
  if (existsSync(dir)) copyAssets(dir, true)
}
