import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createProgram } from '../../cli/index.js'

const ROOT = resolve(import.meta.dirname, '../..')
const VERSION = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version

async function run(argv: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = ''
  let err = ''
  const program = createProgram()
  const all = [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]
  for (const c of all) {
    c.exitOverride()
    c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) })
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
    return { out, err, code: 0 }
  } catch (e) {
    return { out, err, code: (e as { exitCode?: number }).exitCode ?? 1 }
  }
}

describe('kinitro CLI', () => {
  it('prints its version', async () => {
    const r = await run(['--version'])
    expect(r.out.trim()).toBe(VERSION)
  })

  it('lists every command group in --help', async () => {
    const r = await run(['--help'])
    for (const group of ['keys', 'score', 'node', 'chain', 'competition', 'indexer', 'miner', 'devnet', 'db']) {
      expect(r.out, `group ${group}`).toMatch(new RegExp(`^\\s+${group}\\b`, 'm'))
    }
  })

  it('rejects an unknown command with a non-zero exit', async () => {
    const r = await run(['frobnicate'])
    expect(r.code).not.toBe(0)
    expect(r.err).toContain("unknown command 'frobnicate'")
  })

  it('runs from the installed bin (built dist, compat shim first)', () => {
    const out = execFileSync(process.execPath, [resolve(ROOT, 'bin/kinitro.mjs'), '--version'], { encoding: 'utf8' })
    expect(out.trim()).toBe(VERSION)
  })

  it('documents every miner command: description, every option, an example, and --json for scripts', () => {
    const miner = createProgram().commands.find((c) => c.name() === 'miner')
    expect(miner).toBeDefined()
    const names = miner?.commands.map((c) => c.name()) ?? []
    for (const name of ['init', 'eval', 'package', 'upload', 'commit', 'verify', 'show', 'status', 'explain']) {
      expect(names, name).toContain(name)
    }
    for (const c of miner?.commands ?? []) {
      expect(c.description(), c.name()).not.toBe('')
      for (const o of c.options) expect(o.description, `${c.name()} ${o.flags}`).not.toBe('')
      expect(
        c.options.map((o) => o.long),
        `${c.name()} --json`,
      ).toContain('--json')
      let help = ''
      c.configureOutput({ writeOut: (t) => (help += t) })
      c.outputHelp()
      expect(help, `${c.name()} --help shows an example`).toMatch(/kinitro miner \w+/)
    }
  })
})
