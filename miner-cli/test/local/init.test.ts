import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readPolicyManifest } from '#evaluator'
import { loadConfig } from '#protocol'
import { addInitCommands } from '../../src/cli/init.js'
import { MINER_CONFIG_FILE, minerConfigSchema } from '../../src/config.js'
import { runMiner, tempDir } from './helpers.js'

const init = (argv: string[], cwd: string) => runMiner([addInitCommands], ['init', ...argv], { cwd })

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(root, full) : [relative(root, full)]
  })
}

describe('kinitro miner init', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    tmp = tempDir('init')
  })
  afterEach(() => tmp.cleanup())

  it('scaffolds the python template with its contract files, model folder and project config', async () => {
    const r = await init(['reach-bot', '--repo', 'alice/reach-bot', '--competition', 'reach-v1'], tmp.dir)
    expect(r.code, r.err).toBe(0)
    const dir = join(tmp.dir, 'reach-bot')
    expect(filesUnder(dir).sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'kinitro-miner.toml',
        'kinitro.json',
        'model/README.md',
        'model/controller.json',
        'policy.py',
        'server.py',
        'vision.py',
      ].sort(),
    )
    // The evaluator accepts the folder as it is, under the name derived from the folder.
    expect(readPolicyManifest(dir)).toEqual({ name: 'reach-bot', entry: ['python3', 'server.py', '--port', '{port}'] })
    expect(readFileSync(join(dir, 'policy.py'), 'utf8')).toContain('class RobotPolicy')
    for (const file of filesUnder(dir)) expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain('{{')
    // The project file loads through the real config loader with the values given on the command line.
    const { config } = loadConfig(minerConfigSchema, { file: join(dir, MINER_CONFIG_FILE), env: {} })
    expect(config.policy).toEqual({ dir: '.', competition: 'reach-v1' })
    expect(config.hub.repo).toBe('alice/reach-bot')
    // Every other setting is there as a commented example.
    const toml = readFileSync(join(dir, MINER_CONFIG_FILE), 'utf8')
    for (const line of ['# netuid = 1', '# bucket = "my-policies"', '# url = "http://127.0.0.1:8080"']) {
      expect(toml).toContain(line)
    }
    expect(r.out).toContain('next:')
    expect(r.out).toContain('cd reach-bot')
    expect(r.out).toContain('kinitro miner eval')
  })

  it('scaffolds the typescript template with a build script and a dist/ entry', async () => {
    const r = await init(['ts-bot', '--template', 'typescript', '--name', 'reach-ts', '--json'], tmp.dir)
    expect(r.code, r.err).toBe(0)
    const result = JSON.parse(r.out) as { name: string; template: string; files: { path: string; action: string }[] }
    expect(result.name).toBe('reach-ts')
    expect(result.template).toBe('typescript')
    expect(result.files.map((f) => f.path)).toEqual(expect.arrayContaining(['src/policy.ts', 'src/server.ts']))
    expect(result.files.every((f) => f.action === 'created')).toBe(true)
    const dir = join(tmp.dir, 'ts-bot')
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(pkg.name).toBe('reach-ts')
    expect(pkg.scripts.build).toMatch(/^tsc\b/)
    expect(Object.keys(pkg.devDependencies)).toContain('typescript')
    expect(pkg.dependencies).toBeUndefined()
    expect(readPolicyManifest(dir).entry).toEqual(['node', 'dist/server.js', '--port', '{port}'])
    expect(existsSync(join(dir, 'model', 'README.md'))).toBe(true)
    const { config } = loadConfig(minerConfigSchema, { file: join(dir, MINER_CONFIG_FILE), env: {} })
    expect(config.hub.repo).toBeUndefined()
  })

  it('never overwrites files without --force, and says which it replaced with it', async () => {
    const dir = join(tmp.dir, 'busy')
    mkdirSync(dir)
    writeFileSync(join(dir, 'policy.py'), '# my own work\n')
    writeFileSync(join(dir, 'notes.txt'), 'keep me\n')
    const refused = await init(['busy'], tmp.dir)
    expect(refused.code).toBe(1)
    expect(refused.errorCode).toBe('MINER_SCAFFOLD_DIR_NOT_EMPTY')
    expect(refused.err).toContain('how to fix:')
    expect(readFileSync(join(dir, 'policy.py'), 'utf8')).toBe('# my own work\n')
    expect(existsSync(join(dir, 'server.py'))).toBe(false)

    const forced = await init(['busy', '--force', '--json'], tmp.dir)
    expect(forced.code, forced.err).toBe(0)
    const files = (JSON.parse(forced.out) as { files: { path: string; action: string }[] }).files
    expect(files.find((f) => f.path === 'policy.py')?.action).toBe('replaced')
    expect(files.find((f) => f.path === 'server.py')?.action).toBe('created')
    expect(readFileSync(join(dir, 'policy.py'), 'utf8')).toContain('class RobotPolicy')
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me\n')
  })

  it('scaffolds into the current folder when it holds only .git', async () => {
    mkdirSync(join(tmp.dir, '.git'))
    const r = await init([], tmp.dir)
    expect(r.code, r.err).toBe(0)
    expect(existsSync(join(tmp.dir, 'server.py'))).toBe(true)
    expect(r.out).not.toContain('cd ')
  })

  it('refuses bad names, settings and templates before writing anything', async () => {
    const badName = await init(['x', '--name', 'Bad Name'], tmp.dir)
    expect(badName.errorCode).toBe('MINER_SCAFFOLD_BAD_NAME')
    const badRepo = await init(['x', '--repo', 'not-a-repo'], tmp.dir)
    expect(badRepo.errorCode).toBe('MINER_SCAFFOLD_BAD_SETTING')
    expect(badRepo.err).toContain('hub.repo')
    const badTemplate = await init(['x', '--template', 'cobol'], tmp.dir)
    expect(badTemplate.code).toBe(1)
    expect(badTemplate.err).toContain('python, typescript')
    expect(existsSync(join(tmp.dir, 'x'))).toBe(false)
  })

  it('refuses a target that is a file', async () => {
    writeFileSync(join(tmp.dir, 'file'), 'x')
    const r = await init(['file'], tmp.dir)
    expect(r.errorCode).toBe('MINER_SCAFFOLD_NOT_A_DIR')
  })
})
