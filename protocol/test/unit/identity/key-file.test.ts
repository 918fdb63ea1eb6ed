import { readdir, readFile, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandHome, writeKeyFile } from '../../../src/identity/key-file.js'
import { tempDir } from './helpers.js'

describe('expandHome', () => {
  it('expands ~ and ~/ only, and makes other paths absolute', () => {
    expect(expandHome('~')).toBe(homedir())
    expect(expandHome('~/a/b')).toBe(join(homedir(), 'a/b'))
    expect(expandHome('~other/a')).toBe(resolve('~other/a'))
    expect(expandHome('rel/x')).toBe(resolve('rel/x'))
  })
})

describe('writeKeyFile', () => {
  it('lets exactly one of several concurrent no-force writers win, and leaves no temp files', async () => {
    const dir = tempDir()
    const file = join(dir, 'key')
    const writers = ['a', 'b', 'c', 'd'].map((v) => writeKeyFile('node-key', file, v))
    const results = await Promise.allSettled(writers)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    for (const r of rejected) expect(r.reason.code).toBe('IDENTITY_KEY_FILE_EXISTS')
    expect(['a', 'b', 'c', 'd']).toContain(await readFile(file, 'utf8'))
    expect(await readdir(dir)).toEqual(['key'])
    expect((await stat(file)).mode & 0o777).toBe(0o600)
  })

  it('replaces atomically with force and honours a custom mode', async () => {
    const dir = tempDir()
    const file = join(dir, 'sub', 'key')
    await writeKeyFile('hotkey', file, 'one')
    await writeKeyFile('hotkey', file, 'two', { force: true, mode: 0o640 })
    expect(await readFile(file, 'utf8')).toBe('two')
    expect((await stat(file)).mode & 0o777).toBe(0o640)
    expect(await readdir(join(dir, 'sub'))).toEqual(['key'])
  })
})
