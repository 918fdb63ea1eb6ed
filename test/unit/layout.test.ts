import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

// design.md §2: protocol ← evaluator ← node; protocol, evaluator ← backend-indexer (episode replays re-simulate
// validators' traces with the evaluator's environments and artifact readers); protocol, evaluator ← miner-cli.
// Components talk only through each other's `index.ts` door (the `#alias` imports).
const ROOT = resolve(import.meta.dirname, '../..')
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  evaluator: ['#protocol'],
  node: ['#protocol', '#evaluator'],
  'backend-indexer': ['#protocol', '#evaluator'],
  'miner-cli': ['#protocol', '#evaluator'],
}
const ALIAS_OF: Record<string, string> = {
  protocol: '#protocol',
  evaluator: '#evaluator',
  node: '#node',
  'backend-indexer': '#indexer',
  'miner-cli': '#miner',
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : tsFiles(p)
    return p.endsWith('.ts') ? [p] : []
  })
}

function specifiers(source: string): string[] {
  // Examples in TSDoc blocks are not imports.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g
  return [...code.matchAll(re)].map((m) => (m[1] ?? m[2]) as string)
}

describe('repository layout', () => {
  for (const component of Object.keys(ALLOWED)) {
    it(`${component} has a README and an index.ts door`, () => {
      expect(existsSync(join(ROOT, component, 'README.md')), `${component}/README.md`).toBe(true)
      expect(existsSync(join(ROOT, component, 'src', 'index.ts')), `${component}/src/index.ts`).toBe(true)
    })

    it(`${component} imports other components only through allowed doors`, () => {
      const bad: string[] = []
      for (const file of tsFiles(join(ROOT, component))) {
        const isTest = file.includes(`${sep}test${sep}`)
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          const where = `${relative(ROOT, file)} imports ${spec}`
          if (spec.startsWith('#')) {
            // Tests may use their own component's door; sources use relative paths inside a component.
            const own = spec === ALIAS_OF[component]
            if (own ? !isTest : !ALLOWED[component]?.includes(spec)) bad.push(where)
          } else if (spec.startsWith('.')) {
            const targetPath = relative(ROOT, resolve(file, '..', spec))
            const target = targetPath.split(sep)[0]
            // Tests share the repository's test utilities (child-process runners, temp dirs, stand-ins).
            const sharedTestUtil = isTest && targetPath.startsWith(join('test', 'utils') + sep)
            if (target !== component && !sharedTestUtil) bad.push(where)
          }
        }
      }
      expect(bad).toEqual([])
    })
  }
})
