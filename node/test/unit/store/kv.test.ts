import { afterEach, describe, expect, it } from 'vitest'
import { createStore, type Store } from '../../../src/store/index.js'
import { tempDir } from './helpers.js'

const stores: Store[] = []
const dirs: { cleanup: () => void }[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) d.cleanup()
})

describe('store.kv', () => {
  it('keeps values across a reopen of the file, overwrites and deletes', () => {
    const dir = tempDir()
    dirs.push(dir)
    const path = `${dir.dir}/node.sqlite`
    const a = createStore({ path })
    a.kv.putJson('weights:pending', { commitBlock: 12, salt: [1, 2, 3] })
    a.kv.put('raw', new Uint8Array([9, 8, 7]))
    a.close()
    const b = createStore({ path })
    stores.push(b)
    expect(b.kv.getJson('weights:pending')).toEqual({ commitBlock: 12, salt: [1, 2, 3] })
    expect([...(b.kv.get('raw') ?? [])]).toEqual([9, 8, 7])
    b.kv.putJson('weights:pending', { commitBlock: 13 })
    expect(b.kv.getJson('weights:pending')).toEqual({ commitBlock: 13 })
    b.kv.delete('weights:pending')
    expect(b.kv.getJson('weights:pending')).toBeUndefined()
    b.kv.delete('never-there')
  })

  it('a write inside a transaction that throws is rolled back', () => {
    const s = createStore()
    stores.push(s)
    expect(() =>
      s.transaction(() => {
        s.kv.putJson('k', 1)
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(s.kv.getJson('k')).toBeUndefined()
  })
})
