import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addEvalCommands } from '../../src/cli/eval.js'
import { addInitCommands } from '../../src/cli/init.js'
import { addPackageCommands } from '../../src/cli/package.js'
import { EVAL_ERROR_CODES, EVAL_ERROR_FIXES } from '../../src/eval/errors.js'
import { PACKAGE_ERROR_CODES, PACKAGE_ERROR_FIXES } from '../../src/package/errors.js'
import { SCAFFOLD_ERROR_CODES, SCAFFOLD_ERROR_FIXES } from '../../src/scaffold/errors.js'
import { runMiner } from './helpers.js'

const SRC = resolve(import.meta.dirname, '../../src')

function tableCodes(readme: string): string[] {
  const section = readme.split(/^## Errors\b.*$/m)[1]?.split(/^## /m)[0] ?? ''
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/gm)].map((m) => {
    expect(m[2]?.trim(), `${m[1]} has a meaning`).not.toBe('')
    expect(m[3]?.trim(), `${m[1]} has a how-to-fix`).not.toBe('')
    return m[1] as string
  })
}

describe('error tables of init, package and eval', () => {
  for (const [area, codes, fixes] of [
    ['scaffold', SCAFFOLD_ERROR_CODES, SCAFFOLD_ERROR_FIXES],
    ['package', PACKAGE_ERROR_CODES, PACKAGE_ERROR_FIXES],
    ['eval', EVAL_ERROR_CODES, EVAL_ERROR_FIXES],
  ] as const) {
    it(`miner-cli/src/${area}/README.md documents exactly its codes, each with a fix`, () => {
      const documented = tableCodes(readFileSync(resolve(SRC, area, 'README.md'), 'utf8'))
      expect([...documented].sort()).toEqual([...codes].sort())
      expect(Object.keys(fixes).sort()).toEqual([...codes].sort())
    })
  }
})

describe('--help of init, package and eval', () => {
  for (const name of ['init', 'package', 'eval']) {
    it(`miner ${name} --help describes the command, every option and gives examples`, async () => {
      const r = await runMiner([addInitCommands, addPackageCommands, addEvalCommands], [name, '--help'], { cwd: '/' })
      expect(r.errorCode).toBe('commander.helpDisplayed')
      const [usage, description] = r.out.split('\n').filter((l) => l.trim() !== '')
      expect(usage).toContain(`miner ${name}`)
      expect(description?.length).toBeGreaterThan(20)
      const options = r.out.split(/^Options:$/m)[1]?.split(/\n\n/)[0] ?? ''
      // Each option line is "  --flag <arg>   description"; a continuation line starts with spaces only.
      for (const line of options.split('\n').filter((l) => /^\s+-/.test(l))) {
        expect(line.trim(), 'option has a description').toMatch(/\S\s{2,}\S/)
      }
      expect(r.out).toContain('Examples:')
      expect(r.out).toContain(`kinitro miner ${name}`)
    })
  }
})
