import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { howToFix } from '#protocol'
import { COMMIT_ERROR_CODES, COMMIT_ERROR_FIXES } from '../../src/commit/errors.js'
import { WALLET_ERROR_CODES, WALLET_ERROR_FIXES } from '../../src/wallet/errors.js'

/** Codes in the `| \`CODE\` | … |` rows under a README's `## Errors` heading, in order. */
function tableCodes(readme: URL): string[] {
  const text = readFileSync(fileURLToPath(readme), 'utf8')
  const section = text.slice(text.indexOf('\n## Errors'))
  return [...section.matchAll(/^\| `([A-Z0-9_]+)`\s*\|/gmu)].map((m) => m[1] as string)
}

describe('commit and wallet error codes', () => {
  for (const [area, codes, fixes] of [
    ['commit', COMMIT_ERROR_CODES, COMMIT_ERROR_FIXES],
    ['wallet', WALLET_ERROR_CODES, WALLET_ERROR_FIXES],
  ] as const) {
    it(`${area}: the README table lists exactly the codes, and every code has a registered fix`, () => {
      expect(tableCodes(new URL(`../../src/${area}/README.md`, import.meta.url))).toEqual([...codes])
      expect(Object.keys(fixes).sort()).toEqual([...codes].sort())
      for (const code of codes) {
        expect(code.startsWith(`MINER_${area.toUpperCase()}_`), code).toBe(true)
        expect(howToFix(code), code).toBe((fixes as Record<string, string>)[code])
      }
    })
  }
})
