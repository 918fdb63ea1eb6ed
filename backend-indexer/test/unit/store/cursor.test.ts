import { describe, expect, it } from 'vitest'
import { CURSOR_KEYS, type CursorList, decodeCursor, encodeCursor } from '../../../src/store/cursor.js'
import { BadCursorError } from '../../../src/store/errors.js'
import { hexId } from './fixtures.js'

const KEYS: { [L in CursorList]: Parameters<typeof encodeCursor<L>>[1] } = {
  messages: [42],
  'messages-asc': [0],
  jobs: [7, hexId('j')],
  results: [123_456, hexId('r')],
  episodes: [9, hexId('e'), 3],
  weights: [1, hexId('w')],
  commitments: [5, '5Fminer'],
}

function refused(list: CursorList, cursor: string): BadCursorError {
  try {
    decodeCursor(list, cursor)
  } catch (err) {
    expect(err).toBeInstanceOf(BadCursorError)
    return err as BadCursorError
  }
  throw new Error(`${list} accepted ${cursor}`)
}

const raw = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

describe('cursor', () => {
  it('round-trips every list key as URL-safe text', () => {
    for (const list of Object.keys(CURSOR_KEYS) as CursorList[]) {
      const cursor = encodeCursor(list, KEYS[list] as never)
      expect(cursor, list).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(decodeCursor(list, cursor), list).toEqual(KEYS[list])
    }
  })

  it('refuses a cursor of another list', () => {
    const err = refused('episodes', encodeCursor('results', KEYS.results))
    expect(err.meta).toMatchObject({ code: 'API_BAD_CURSOR', list: 'episodes' })
    expect(err.statusCode).toBe(400)
    refused('messages', encodeCursor('messages-asc', [4]))
  })

  it('refuses malformed text and malformed keys', () => {
    const bad: [CursorList, string][] = [
      ['results', ''],
      ['results', 'a+b/c='],
      ['results', 'x'.repeat(2000)],
      ['results', raw({ list: 'results' })],
      ['results', raw(['results', 1])],
      ['results', raw(['results', 1, hexId('a'), 3])],
      ['results', raw(['results', -1, hexId('a')])],
      ['results', raw(['results', 1.5, hexId('a')])],
      ['results', raw(['results', '1', hexId('a')])],
      ['results', raw(['results', 1, hexId('a').toUpperCase()])],
      ['results', raw(['results', 1, 'abcd'])],
      ['commitments', raw(['commitments', 1, ''])],
      ['commitments', raw(['commitments', 1, 'x'.repeat(300)])],
      ['messages', raw(['messages', Number.MAX_SAFE_INTEGER + 2])],
      ['messages', `${encodeCursor('messages', [1])}!`],
    ]
    for (const [list, cursor] of bad) refused(list, cursor)
  })
})
