import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IGNORE_FILE, loadIgnore, parseIgnore } from '../../src/package/ignore.js'
import { tempDir } from './helpers.js'

describe('.kinitroignore patterns', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    tmp = tempDir('ignore')
  })
  afterEach(() => tmp.cleanup())

  function matcher(text: string, topLevel: string[] = ['build']) {
    writeFileSync(join(tmp.dir, IGNORE_FILE), text)
    return loadIgnore(tmp.dir, topLevel)
  }

  it('matches a name without a slash at any depth, with * and ? inside one name', () => {
    const ignored = matcher('*.log\ncheckpoint-?.pt\n')
    expect(ignored('a.log', false)).toBe(true)
    expect(ignored('deep/er/b.log', false)).toBe(true)
    expect(ignored('a.log.txt', false)).toBe(false)
    expect(ignored('model/checkpoint-3.pt', false)).toBe(true)
    expect(ignored('model/checkpoint-10.pt', false)).toBe(false)
    expect(ignored('logs/x.txt', false)).toBe(false)
  })

  it('anchors patterns with a slash at the policy folder, and ** spans folders', () => {
    const ignored = matcher('/secret.txt\ndata/raw\nruns/**/tmp\n**/cache/*.bin\n')
    expect(ignored('secret.txt', false)).toBe(true)
    expect(ignored('lib/secret.txt', false)).toBe(false)
    expect(ignored('data/raw', true)).toBe(true)
    expect(ignored('x/data/raw', true)).toBe(false)
    expect(ignored('runs/tmp', true)).toBe(true)
    expect(ignored('runs/a/b/tmp', true)).toBe(true)
    expect(ignored('a/cache/w.bin', false)).toBe(true)
    expect(ignored('cache/w.bin', false)).toBe(true)
    expect(ignored('cache/sub/w.bin', false)).toBe(false)
  })

  it('applies a trailing slash to folders only, and treats regex characters literally', () => {
    const ignored = matcher('out/\nweights(old)+.pt\n')
    expect(ignored('out', true)).toBe(true)
    expect(ignored('out', false)).toBe(false)
    expect(ignored('weights(old)+.pt', false)).toBe(true)
    expect(ignored('weightsold.pt', false)).toBe(false)
  })

  it('always leaves out version control, dependencies, caches and the given top-level folders', () => {
    mkdirSync(join(tmp.dir, 'x'))
    const ignored = loadIgnore(tmp.dir, ['build', 'out/pkg'])
    for (const p of [
      '.git',
      'a/.git',
      'node_modules',
      'web/node_modules',
      'src/__pycache__',
      '.venv',
      'build',
      'out/pkg',
    ]) {
      expect(ignored(p, true), p).toBe(true)
    }
    expect(ignored('src/build', true)).toBe(false)
    expect(ignored('out', true)).toBe(false)
  })

  it('refuses lines it cannot honour, naming the line', () => {
    expect(() => parseIgnore('# ok\n*.log\n!keep.log\n')).toThrow(
      expect.objectContaining({
        code: 'MINER_PACKAGE_BAD_IGNORE',
        meta: expect.objectContaining({ subject: '.kinitroignore:3' }),
      }),
    )
    expect(() => parseIgnore('data\\raw\n')).toThrow(expect.objectContaining({ code: 'MINER_PACKAGE_BAD_IGNORE' }))
    expect(() => parseIgnore('/\n')).toThrow(expect.objectContaining({ code: 'MINER_PACKAGE_BAD_IGNORE' }))
    expect(parseIgnore('\n# only comments\n   \n')).toEqual([])
  })
})
