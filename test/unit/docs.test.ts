import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import type { Command } from 'commander'
import { parse as parseToml } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { indexerConfigSchema } from '#indexer'
import { minerConfigSchema } from '#miner'
import { nodeConfigSchema } from '#node'
import { createProgram } from '../../cli/index.js'
import {
  cell,
  DOC_BLOCKS,
  ROOT,
  regenerate,
  renderConfigReference,
  replaceBlock,
} from '../../scripts/gen-config-docs.js'

const DOCS = join(ROOT, 'docs')
const docFiles = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .map((f) => join(DOCS, f))
const read = (path: string): string => readFileSync(path, 'utf8')
// Fenced code is not markdown: its brackets are not links and its `#` lines are not headings.
const FENCE = /^ *```[^\n]*\n[\s\S]*?^ *```$/gm
const prose = (text: string): string => text.replace(FENCE, '')

/** GitHub's heading anchors: lower case, punctuation dropped (but `-` and `_`), each space a `-`. */
function anchors(text: string): Set<string> {
  const out = new Set<string>()
  for (const m of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    out.add(slug)
  }
  return out
}

function links(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string)
}

function fencedBlocks(text: string, lang: string): string[] {
  const re = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm')
  return [...text.matchAll(re)].map((m) => m[1] as string)
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(p)
    return p.endsWith('.ts') ? [p] : []
  })
}

function longOptions(command: Command): string[] {
  return [...command.options.map((o) => o.long ?? ''), ...command.commands.flatMap(longOptions)]
}

describe('operator docs', () => {
  describe('generated blocks', () => {
    for (const file of new Set(DOC_BLOCKS.map((d) => d.file))) {
      it(`${file} is what scripts/gen-config-docs.ts generates (run npm run docs)`, () => {
        const committed = read(join(ROOT, file))
        expect(regenerate(file, committed)).toBe(committed)
      })
    }

    it('every config key, with its env var, flag and default, is in the reference', () => {
      const text = read(join(DOCS, 'validator.md'))
      for (const [env, flag] of [
        ['KINITRO_EVALUATOR_RUNTIME_SANDBOX', '--evaluator-runtime-sandbox'],
        ['KINITRO_MESH_LISTEN', '--mesh-listen'],
        ['KINITRO_HEALTH_PORT', '--health-port'],
      ]) {
        expect(text, env).toContain(`\`${env}\``)
        expect(text, flag).toContain(`\`${flag}\``)
      }
      expect(text).toContain('`["/ip4/0.0.0.0/tcp/9944"]`')
    })

    it('a key added to a schema changes the reference, so a stale doc fails the check above', () => {
      const source = 'test schema'
      const before = renderConfigReference(nodeConfigSchema, source)
      const extended = nodeConfigSchema.extend({ probePath: z.string().default('/h').describe('probe path') })
      const after = renderConfigReference(extended, source)
      expect(after).not.toBe(before)
      expect(after).toContain('`KINITRO_PROBE_PATH`')
      expect(after).toContain('`--probe-path`')
      const doc = `x\n<!-- config:node:begin -->\n${before}\n<!-- config:node:end -->\n`
      expect(replaceBlock(doc, 'config:node', after)).not.toBe(doc)
    })

    it('refuses a doc whose markers are missing or repeated', () => {
      expect(() => replaceBlock('no markers', 'config:node', 'x')).toThrow(/markers/)
      const twice = '<!-- a:begin -->\n<!-- a:end -->\n<!-- a:begin -->\n<!-- a:end -->\n'
      expect(() => replaceBlock(twice, 'a', 'x')).toThrow(/markers/)
    })

    it('escapes what would break a table cell or vanish as HTML, but not inside code', () => {
      expect(cell('a|b')).toBe('a\\|b')
      expect(cell('default: <dataDir>/node.key')).toBe('default: \\<dataDir>/node.key')
      expect(cell('seal*/encode* functions')).toBe('seal\\*/encode\\* functions')
      expect(cell('`/kinitro/<netuid>/peers/1`')).toBe('`/kinitro/<netuid>/peers/1`')
    })
  })

  it('every relative link in docs/*.md and README.md points at an existing file and heading', () => {
    const broken: string[] = []
    for (const file of [...docFiles, join(ROOT, 'README.md')]) {
      const text = read(file)
      for (const link of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue // https:, mailto: …
        const [path = '', anchor] = link.split('#')
        const target = path === '' ? file : resolve(dirname(file), decodeURI(path))
        // The team's shared folder (`../shared/…`) sits beside the repository, not in a clone of it.
        if (relative(ROOT, target).startsWith(`..${sep}`)) continue
        const where = `${relative(ROOT, file)} → ${link}`
        if (!existsSync(target)) {
          broken.push(`${where} (no such file)`)
          continue
        }
        if (anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor)) {
          broken.push(`${where} (no such heading)`)
        }
      }
    }
    expect(broken).toEqual([])
  })

  it("every TOML example validates against its component's schema", () => {
    const schemas: Record<string, z.ZodType> = {
      'validator.md': nodeConfigSchema,
      'indexer.md': indexerConfigSchema,
      'mining.md': minerConfigSchema,
    }
    let checked = 0
    for (const [name, schema] of Object.entries(schemas)) {
      for (const block of fencedBlocks(read(join(DOCS, name)), 'toml')) {
        const result = schema.safeParse(parseToml(block))
        expect(result.success, `${name}:\n${block}\n${result.error?.message ?? ''}`).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3)
  })

  it('every flag the docs name exists on some kinitro command', () => {
    const known = new Set(['--help', '--version', ...longOptions(createProgram())])
    // Flags of other tools the docs quote: btcli's, and this docs generator's own (`npm run docs -- --check`).
    const foreign = new Set(['--no-use-password', '--check'])
    const unknown: string[] = []
    for (const file of docFiles) {
      for (const m of read(file).matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) {
        if (!known.has(m[0]) && !foreign.has(m[0])) unknown.push(`${relative(ROOT, file)}: ${m[0]}`)
      }
    }
    expect(unknown).toEqual([])
  })

  it('every metric the docs name is registered in the code', () => {
    const sources = ['protocol', 'node', 'evaluator', 'backend-indexer']
      .flatMap((c) => sourceFiles(join(ROOT, c, 'src')))
      .map(read)
      .join('\n')
    const missing: string[] = []
    let named = 0
    for (const file of docFiles) {
      // A name ending in `_` is a prefix (`kinitro_indexer_store_*`), not a metric.
      for (const m of read(file).matchAll(/\bkinitro_[a-z0-9_]*[a-z0-9]\b(?!_)/g)) {
        named++
        if (!sources.includes(`name: '${m[0]}'`)) missing.push(`${relative(ROOT, file)}: ${m[0]}`)
      }
    }
    expect(named).toBeGreaterThan(20)
    expect(missing).toEqual([])
  })
})
