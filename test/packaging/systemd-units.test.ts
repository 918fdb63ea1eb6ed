import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { indexerConfigSchema } from '#indexer'
import { nodeConfigSchema } from '#node'
import { describeConfig, HOTKEY_MNEMONIC_ENV, loadConfig } from '#protocol'
import { REPO_ROOT } from '../utils/spawn.js'
import { makeTempDir } from '../utils/temp-dir.js'
import { checkKinitroArgs } from './cli-args.js'
import { onPath, parseEnvFile, parseUnit, splitCommand, value, values } from './unit-file.js'

// What can be checked about the units without a systemd manager: systemd's own parser and security review
// (systemd-analyze, offline), the command line against the real CLI, and the files the units point at.
// Running them under an emulation of their sandbox is systemd-sandbox.test.ts.

const SYSTEMD = join(REPO_ROOT, 'packaging', 'systemd')
const CONFIG = join(REPO_ROOT, 'packaging', 'config')
const run = promisify(execFile)

const ROLES = [
  {
    role: 'node',
    schema: nodeConfigSchema,
    extraEnv: [HOTKEY_MNEMONIC_ENV, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'HF_TOKEN'],
  },
  { role: 'indexer', schema: indexerConfigSchema, extraEnv: [] as string[] },
] as const

/** Every variable an env file names, set or commented out (a typo in an example is still a typo). */
function envFileNames(text: string): string[] {
  return [...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string)
}

describe.skipIf(!onPath('systemd-analyze'))('systemd units, checked by systemd-analyze', () => {
  it('parse cleanly: no unknown keys, bad values or missing executables', async () => {
    const units = ROLES.map(({ role }) => join(SYSTEMD, `kinitro-${role}.service`))
    // verify exits 0 on unknown keys and groups; only its diagnostics tell.
    const { stdout, stderr } = await run('systemd-analyze', ['verify', ...units], { timeout: 30_000 })
    expect(`${stdout}${stderr}`.trim()).toBe('')
  })

  it('pass systemd’s offline security review (the sandbox costs the node some points)', async () => {
    const exposure: Record<string, number> = {}
    for (const { role } of ROLES) {
      const { stdout } = await run(
        'systemd-analyze',
        ['security', '--offline=true', '--no-pager', join(SYSTEMD, `kinitro-${role}.service`)],
        { timeout: 30_000 },
      )
      const m = /Overall exposure level for .*: (\d+(?:\.\d+)?)/.exec(stdout)
      expect(m, stdout).not.toBeNull()
      exposure[role] = Number(m?.[1])
    }
    // systemd rates 0–10; below 4 is "OK". The indexer has no sandbox to build, so it must do better.
    expect(exposure.node).toBeLessThan(4)
    expect(exposure.indexer).toBeLessThan(2)
  })

  it.skipIf(!onPath('systemd-sysusers'))('create the user and group the units run as (sysusers.d)', async () => {
    const tmp = makeTempDir('kinitro-sysusers-')
    try {
      mkdirSync(join(tmp.dir, 'etc'))
      await run('systemd-sysusers', [`--root=${tmp.dir}`, join(SYSTEMD, 'kinitro.sysusers')], { timeout: 30_000 })
      const passwd = readFileSync(join(tmp.dir, 'etc', 'passwd'), 'utf8')
      const group = readFileSync(join(tmp.dir, 'etc', 'group'), 'utf8')
      for (const { role } of ROLES) {
        const unit = parseUnit(readFileSync(join(SYSTEMD, `kinitro-${role}.service`), 'utf8'))
        const user = value(unit, 'Service', 'User') as string
        const entry = passwd.split('\n').find((l) => l.startsWith(`${user}:`))
        expect(entry, `user ${user}`).toBeDefined()
        // Home is the state root, so nothing the service does lands outside its StateDirectory=.
        expect(entry?.split(':')[5]).toBe('/var/lib/kinitro')
        expect(group).toMatch(new RegExp(`^${value(unit, 'Service', 'Group')}:`, 'm'))
      }
    } finally {
      tmp.cleanup()
    }
  })
})

describe.each(ROLES)('kinitro-$role.service', ({ role, schema, extraEnv }) => {
  const unit = parseUnit(readFileSync(join(SYSTEMD, `kinitro-${role}.service`), 'utf8'))
  const envFile = readFileSync(join(CONFIG, `${role}.env`), 'utf8')

  it('starts a `kinitro` command the CLI accepts, with the shipped config path', () => {
    const argv = splitCommand(value(unit, 'Service', 'ExecStart') as string)
    expect(argv.slice(0, 2)).toEqual(['/usr/bin/env', 'kinitro'])
    const check = checkKinitroArgs(argv.slice(2))
    expect(check.problems).toEqual([])
    expect(check.path).toEqual([role, 'run'])
    expect(check.options['--config']).toBe(`/etc/kinitro/${role}.toml`)
    expect(values(unit, 'Service', 'EnvironmentFile')).toEqual([`-/etc/kinitro/${role}.env`])
  })

  it('names only variables that kinitro or its libraries read in the example env file', () => {
    const known = new Set([...describeConfig(schema as z.ZodType).map((k) => k.env), ...extraEnv])
    const names = envFileNames(envFile)
    expect(names.length).toBeGreaterThan(0)
    expect(names.filter((n) => !known.has(n))).toEqual([])
  })

  it('keeps the example config’s data dir (and wallets) inside the unit’s StateDirectory=', () => {
    const { config } = loadConfig(schema as z.ZodType, {
      file: join(CONFIG, `${role}.toml`),
      env: parseEnvFile(envFile),
    }) as { config: { dataDir: string; wallet?: { path: string } } }
    const states = (value(unit, 'Service', 'StateDirectory') ?? '').split(/\s+/).map((d) => `/var/lib/${d}`)
    expect(states).toContain(config.dataDir)
    if (config.wallet) expect(states).toContain(config.wallet.path)
  })

  it('raises the open-file limit and restarts on failure', () => {
    expect(Number(value(unit, 'Service', 'LimitNOFILE'))).toBeGreaterThanOrEqual(65536)
    expect(value(unit, 'Service', 'Restart')).toBe('on-failure')
    expect(value(unit, 'Service', 'User')).not.toBe('root')
  })
})
