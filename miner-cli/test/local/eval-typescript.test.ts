import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEvalCommands } from '../../src/cli/eval.js'
import { addInitCommands } from '../../src/cli/init.js'
import { addPackageCommands } from '../../src/cli/package.js'
import type { EvalReport } from '../../src/eval/report.js'
import type { PackageManifest } from '../../src/package/manifest.js'
import { runMiner, tempDir } from './helpers.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const miner = (argv: string[], cwd: string) =>
  runMiner([addInitCommands, addEvalCommands, addPackageCommands], argv, { cwd })

describe('the typescript template', () => {
  let tmp: ReturnType<typeof tempDir>
  let dir: string
  beforeAll(async () => {
    tmp = tempDir('ts-template')
    expect((await miner(['init', 'ts-bot', '--template', 'typescript'], tmp.dir)).code).toBe(0)
    dir = join(tmp.dir, 'ts-bot')
  })
  afterAll(() => tmp.cleanup())

  it('asks for a build before eval and package', async () => {
    const evalFirst = await miner(['eval', '--tasks', 'mujoco/reach-v1', '--episodes', '1'], dir)
    expect(evalFirst.errorCode).toBe('MINER_EVAL_NOT_A_POLICY')
    expect(evalFirst.err).toContain('dist/server.js (started by kinitro.json) does not exist')
    const packageFirst = await miner(['package'], dir)
    expect(packageFirst.errorCode).toBe('MINER_PACKAGE_ENTRY_MISSING')
    expect(packageFirst.err).toContain('npm run build')
  })

  it('compiles with tsc, then solves mujoco/reach-v1 and packages dist/ without node_modules', async () => {
    // `npm install` stands in as a link to this repository's node_modules (typescript, @types/node).
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' })
    expect(existsSync(join(dir, 'dist', 'server.js'))).toBe(true)

    const r = await miner(
      ['eval', '--tasks', 'mujoco/reach-v1', '--episodes', '2', '--max-steps', '60', '--seed', '21', '--json'],
      dir,
    )
    expect(r.code, r.err).toBe(0)
    const report = JSON.parse(r.out) as EvalReport
    expect(report.tasks[0]).toMatchObject({ envId: 'mujoco/reach-v1', episodes: 2, successes: 2, failures: {} })

    const p = await miner(['package', '--json'], dir)
    expect(p.code, p.err).toBe(0)
    const manifest = JSON.parse(readFileSync(join(dir, 'build', 'policy.json'), 'utf8')) as PackageManifest
    const paths = manifest.files.map((f) => f.path)
    expect(paths).toEqual(
      expect.arrayContaining(['dist/server.js', 'dist/policy.js', 'model/controller.json', 'kinitro.json']),
    )
    expect(paths.some((f) => f.startsWith('node_modules') || f.startsWith('build/'))).toBe(false)
    expect((JSON.parse(p.out) as { excluded: string[] }).excluded).toContain('node_modules')
  })
})
