// tsc only emits .ts; runtime assets that live beside the sources (zero-dependency .mjs helpers that run
// inside a sandbox, MJCF scenes) must sit at the same relative place under dist/ so `import.meta.url`
// lookups work in both the source and the built tree.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs'
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
// Sample policies and templates are artifacts in their own right: copied whole.
if (existsSync('evaluator/policies')) copyAssets('evaluator/policies', true)
// The miner's policy templates are scaffolded from files on disk (`kinitro miner init`): copied whole.
copyAssets('miner-cli/templates', true)
