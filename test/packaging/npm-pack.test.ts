import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { extract } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../utils/spawn.js'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'

// `npm run pack` (npm pack of the built package) as a user meets it: the tarball is unpacked and its `kinitro` bin run through a symlink on
// PATH, as `npm install -g` lays it out. The tests never reach a registry: the unpacked package gets a
// symlink to the repository's installed node_modules instead of an `npm install`, so what is proven is that
// the package ships every file of its own that the CLI needs, not that its dependency list resolves.
// The script packs with `--ignore-scripts` (no second build): the suite runs after `npm run build`, as CI does.

const run = promisify(execFile)
const PKG = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string }

/** Generous ceilings: today's package is ~0.5 MB packed, ~1.8 MB unpacked. They catch a leaked folder. */
const MAX_PACKED_BYTES = 3 * 1024 * 1024
const MAX_UNPACKED_BYTES = 12 * 1024 * 1024
/** Each CLI start loads the whole program: ~2 s idle, 15 s seen on a loaded 2-core machine. A guard only. */
const SPAWN_TIMEOUT = 120_000

interface PackResult {
  filename: string
  size: number
  unpackedSize: number
  files: { path: string; size: number; mode: number }[]
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

describe('npm pack', () => {
  let tmp: TempDir
  let pack: PackResult
  let pkgDir: string
  let binDir: string

  /** Run the installed `kinitro` (found on PATH, as a user would) from a scratch working directory. */
  async function kinitro(args: string[], timeout = SPAWN_TIMEOUT): Promise<string> {
    const cwd = join(tmp.dir, 'work')
    mkdirSync(cwd, { recursive: true })
    const { stdout } = await run('kinitro', args, {
      cwd,
      timeout,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: cwd },
    })
    return stdout
  }

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before this test (npm ci does it)')
    }
    tmp = makeTempDir('kinitro-pack-')
    // `npm run pack`: `npm pack` of a staged copy whose manifest adds the bin (scripts/pack.mjs says why).
    const { stdout } = await run('npm', ['run', '--silent', 'pack', '--', '--json', '--pack-destination', tmp.dir], {
      cwd: REPO_ROOT,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    pack = (JSON.parse(stdout) as PackResult[])[0] as PackResult
    pkgDir = join(tmp.dir, 'lib', 'node_modules', PKG.name)
    mkdirSync(pkgDir, { recursive: true })
    await extract({ file: join(tmp.dir, pack.filename), cwd: pkgDir, strip: 1 })
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkgDir, 'node_modules'), 'dir')
    binDir = join(tmp.dir, 'bin')
    mkdirSync(binDir)
    symlinkSync(join(pkgDir, 'bin', 'kinitro.mjs'), join(binDir, 'kinitro'))
  }, 90_000)

  afterAll(() => tmp?.cleanup())

  it('ships the bin, the Node 20 shim and the build with its runtime assets', () => {
    // The checkout's manifest has no `bin` (so `npx kinitro` works there); the tarball's must, or
    // `npm install -g` links no command.
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin?: Record<string, string> }
    expect(manifest.bin).toEqual({ kinitro: './bin/kinitro.mjs' })
    const paths = new Set(pack.files.map((f) => f.path))
    for (const needed of [
      'package.json',
      'README.md',
      'bin/kinitro.mjs',
      'compat/promise-with-resolvers.mjs',
      'dist/cli/main.js',
      'dist/evaluator/src/runtime/forwarder.mjs',
      'dist/evaluator/policies/expert/server.mjs',
      'dist/miner-cli/templates/python/server.py',
      'dist/miner-cli/templates/python/gitignore',
      'dist/backend-indexer/src/dashboard/assets/index.html',
    ]) {
      expect(paths, needed).toContain(needed)
    }
    // Every file the build emitted that runs (not declarations or source maps) is in the tarball.
    const built = walk(join(REPO_ROOT, 'dist'))
      .map((p) => relative(REPO_ROOT, p))
      .filter((p) => !p.endsWith('.d.ts') && !p.endsWith('.map'))
    expect(built.filter((p) => !paths.has(p))).toEqual([])
    expect(pack.files.find((f) => f.path === 'bin/kinitro.mjs')?.mode ?? 0).toBe(0o755)
  })

  it('leaves out sources, tests, benchmarks, caches and build by-products', () => {
    const leaked = pack.files
      .map((f) => f.path)
      .filter(
        (p) =>
          // TypeScript ships only inside the miner's TypeScript template, which is scaffolded as source.
          (p.endsWith('.ts') && !p.startsWith('dist/miner-cli/templates/typescript/')) ||
          p.endsWith('.map') ||
          /(^|\/)(test|tests|bench|fixtures|\.cache|\.kinitro-devnet|coverage|node_modules)\//.test(p) ||
          /\.(test|bench)\.[cm]?[jt]s$/.test(p) ||
          /\.sqlite(-wal|-shm)?$/.test(p) ||
          !/^(dist|bin|compat)\/|^(package\.json|README\.md|LICENSE)$/.test(p),
      )
    expect(leaked).toEqual([])
    expect(pack.size).toBeLessThan(MAX_PACKED_BYTES)
    expect(pack.unpackedSize).toBeLessThan(MAX_UNPACKED_BYTES)
  })

  it(
    'runs `kinitro --version` from the unpacked package',
    async () => {
      expect((await kinitro(['--version'])).trim()).toBe(PKG.version)
    },
    SPAWN_TIMEOUT,
  )

  it(
    'scaffolds a policy with `kinitro miner init` from the shipped templates',
    async () => {
      const dir = join(tmp.dir, 'work', 'my-policy')
      const out = JSON.parse(await kinitro(['miner', 'init', dir, '--json'])) as { files: { path: string }[] }
      const created = out.files.map((f) => f.path)
      // .gitignore arrives as `gitignore` (npm drops dotted ignore files) and is renamed on scaffold.
      for (const file of ['server.py', 'policy.py', 'kinitro.json', '.gitignore', 'kinitro-miner.toml']) {
        expect(created, file).toContain(file)
        expect(existsSync(join(dir, file)), file).toBe(true)
      }
    },
    SPAWN_TIMEOUT,
  )

  it(
    'lists the built-in tasks and runs an episode with a shipped sample policy',
    async () => {
      const tasks = JSON.parse(await kinitro(['env', 'list', '--json'])) as { envId: string }[]
      expect(tasks.map((t) => t.envId)).toContain('mujoco/reach-v1')
      // The MJCF scenes, the worker entry and the expert's policy files all come from the tarball here.
      const outcome = JSON.parse(
        await kinitro([
          'env',
          'run',
          'mujoco/reach-v1',
          '--episodes',
          '1',
          '--max-steps',
          '5',
          '--cameras',
          'none',
          '--json',
        ]),
      ) as { episodes: { steps: number; finalStateHash: string; envId: string }[] }
      expect(outcome.episodes).toHaveLength(1)
      expect(outcome.episodes[0]?.envId).toBe('mujoco/reach-v1')
      expect(outcome.episodes[0]?.steps).toBe(5)
      expect(outcome.episodes[0]?.finalStateHash).toMatch(/^[0-9a-f]{64}$/)
    },
    2 * SPAWN_TIMEOUT,
  )
})
