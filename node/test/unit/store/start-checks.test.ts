import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { tearLeafPage } from '../../../../test/utils/sqlite-damage.js'
import { createStore, STORE_ERROR_FIXES, StoreError } from '../../../src/store/index.js'
import { freeBytes } from '../../../src/store/start-checks.js'
import { tempDir } from './helpers.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function dir(): string {
  const t = tempDir('kinitro-start-checks-')
  cleanups.push(t.cleanup)
  return t.dir
}

function fill(path: string, n: number): void {
  const store = createStore({ path })
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const envelope = new Uint8Array(randomBytes(200))
      const id = new Uint8Array(createHash('sha256').update(envelope).digest())
      store.log.append({ id, topic: 'results', type: 'result', block: i, signer: Uint8Array.of(1), envelope })
    }
  })
  store.close()
}

function caught(fn: () => unknown): StoreError {
  try {
    fn()
  } catch (err) {
    if (err instanceof StoreError) return err
    throw err
  }
  throw new Error('expected a StoreError')
}

describe('store checks at start', () => {
  it('refuses a file with a damaged page (STORE_CORRUPT), naming what quick_check found', () => {
    const path = `${dir()}/node.sqlite`
    fill(path, 2000)
    const page = tearLeafPage(path, 'messages')

    const err = caught(() => createStore({ path }))
    expect(err.code).toBe('STORE_CORRUPT')
    expect(err.message).toContain(`database ${path} is damaged (quick_check: `)
    expect(err.message).toContain(`page ${page}`)
    expect(err.meta).toMatchObject({ code: 'STORE_CORRUPT', path })
    expect(STORE_ERROR_FIXES.STORE_CORRUPT).toContain('catch-up')
    // The check can be skipped for forensics (what `kinitro db` does with its own reader).
    createStore({ path, checkIntegrity: false }).close()
  })

  it('opens a sound file after the same check', () => {
    const path = `${dir()}/node.sqlite`
    fill(path, 200)
    const store = createStore({ path })
    expect(store.log.count()).toBe(200)
    store.close()
  })

  it('refuses to start with less free space than the floor (STORE_DISK_FULL) and creates nothing', () => {
    const d = dir()
    const path = `${d}/node.sqlite`
    // The real filesystem, asked for more than any disk here has.
    const floor = Number.MAX_SAFE_INTEGER
    const err = caught(() => createStore({ path, minFreeBytes: floor }))
    expect(err.code).toBe('STORE_DISK_FULL')
    expect(err.meta).toMatchObject({ code: 'STORE_DISK_FULL', path, minFreeBytes: floor })
    const free = (err.meta as { freeBytes: number }).freeBytes
    expect(free).toBeGreaterThan(0)
    expect(Math.abs(free - freeBytes(path))).toBeLessThan(512 * 2 ** 20)
    expect(err.message).toMatch(/^only [\d.]+ MiB free on the disk holding .+; the store needs at least [\d.]+ MiB$/u)
    expect(existsSync(path)).toBe(false)
    // 0 turns the check off.
    createStore({ path, minFreeBytes: 0 }).close()
    expect(existsSync(path)).toBe(true)
  })
})
