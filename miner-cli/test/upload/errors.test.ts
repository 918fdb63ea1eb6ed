import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { howToFix } from '#protocol'
import { UPLOAD_ERROR_CODES, UPLOAD_ERROR_FIXES } from '../../src/upload/errors.js'

describe('upload error codes', () => {
  it('README "## Errors" lists exactly the codes, and every code has a registered fix', async () => {
    const readme = await readFile(new URL('../../src/upload/README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Errors'))
    const documented = [...section.matchAll(/^\| `([A-Z0-9_]+)`/gmu)].map((m) => m[1])
    expect(documented).toEqual([...UPLOAD_ERROR_CODES])
    for (const code of UPLOAD_ERROR_CODES) {
      expect(UPLOAD_ERROR_FIXES[code]).toBeTruthy()
      expect(howToFix(code)).toBe(UPLOAD_ERROR_FIXES[code])
    }
  })
})
