import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EVALUATOR_ERROR_CODES } from '#evaluator'
import { INDEXER_ERROR_CODES } from '#indexer'
import { MINER_ERROR_CODES } from '#miner'
import { NODE_ERROR_CODES } from '#node'
import { FAILURE_CODES, PROTOCOL_ERROR_CODES } from '#protocol'
import { DB_ERROR_CODES } from '../../cli/db.js'
import { DEVNET_ERROR_CODES } from '../../cli/devnet/errors.js'
import { DEVNET_BENCH_ERROR_CODES } from '../bench/devnet-scale/errors.js'
import { GOSSIP_BENCH_ERROR_CODES } from '../bench/gossip/errors.js'
import { BENCH_REPORT_ERROR_CODES } from '../bench/report/errors.js'
import { SIM_ERROR_CODES } from '../sim/errors.js'

// style.md §4: every error code a component can throw is in its README's "Errors" table (code | meaning |
// how to fix), and every code in the table exists. This keeps the table honest as codes come and go.
const ROOT = resolve(import.meta.dirname, '../..')

// A component's table may be split across its README and the READMEs of its areas (src/<area>/README.md),
// so each area documents its own codes next to the rest of its docs.
function readmes(component: string): string[] {
  const found = [resolve(ROOT, component, 'README.md')]
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name === 'README.md') found.push(p)
    }
  }
  if (existsSync(resolve(ROOT, component, 'src'))) walk(resolve(ROOT, component, 'src'))
  return found
}

function tableCodes(component: string): string[] {
  return readmes(component).flatMap((path) => tableCodesIn(readFileSync(path, 'utf8')))
}

function tableCodesIn(readme: string): string[] {
  const section = readme.split(/^## Errors\b.*$/m)[1]?.split(/^## /m)[0] ?? ''
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/gm)].map((m) => {
    expect(m[2]?.trim(), `${m[1]} has a meaning`).not.toBe('')
    expect(m[3]?.trim(), `${m[1]} has a how-to-fix`).not.toBe('')
    return m[1] as string
  })
}

describe('error code tables', () => {
  for (const [component, codes] of [
    ['protocol', PROTOCOL_ERROR_CODES],
    ['node', NODE_ERROR_CODES],
    ['evaluator', EVALUATOR_ERROR_CODES],
    ['backend-indexer', INDEXER_ERROR_CODES],
    ['miner-cli', MINER_ERROR_CODES],
    ['cli', [...DB_ERROR_CODES, ...DEVNET_ERROR_CODES]],
    ['test/bench', BENCH_REPORT_ERROR_CODES],
    ['test/bench/gossip', GOSSIP_BENCH_ERROR_CODES],
    ['test/bench/devnet-scale', DEVNET_BENCH_ERROR_CODES],
    ['test/sim', SIM_ERROR_CODES],
  ] as const) {
    it(`${component}/README.md documents exactly the codes the code defines`, () => {
      const documented = tableCodes(component)
      expect(new Set(documented).size, 'no duplicate rows').toBe(documented.length)
      expect([...documented].sort()).toEqual([...new Set(codes)].sort())
    })
  }
})

describe('episode failure codes table', () => {
  it('protocol/README.md lists exactly FAILURE_CODES', () => {
    const readme = readFileSync(resolve(ROOT, 'protocol', 'README.md'), 'utf8')
    const section = readme.split(/^## Episode failure codes\s*$/m)[1]?.split(/^## /m)[0] ?? ''
    const documented = [...section.matchAll(/^\|\s*`([a-z][a-z0-9_]+)`\s*\|/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual([...FAILURE_CODES].sort())
  })
})
