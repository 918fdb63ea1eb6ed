import { describe, expect, it } from 'vitest'
import { countsAgainstMiner } from '#protocol'
import {
  FETCH_ERROR_CODES,
  FETCH_ERROR_FIXES,
  FETCH_FAILURE,
  fetchError,
  fetchFailureCode,
} from '../../../src/fetch/errors.js'

describe('fetch errors', () => {
  it('has a fix and a failure code for every code', () => {
    expect(Object.keys(FETCH_ERROR_FIXES).sort()).toEqual([...FETCH_ERROR_CODES].sort())
    expect(Object.keys(FETCH_FAILURE).sort()).toEqual([...FETCH_ERROR_CODES].sort())
  })

  it('blames the miner only for the artifact itself', () => {
    expect(countsAgainstMiner(fetchFailureCode(fetchError('EVAL_FETCH_DIGEST_MISMATCH', 's', 'r')))).toBe(true)
    expect(countsAgainstMiner(fetchFailureCode(fetchError('EVAL_FETCH_UNAVAILABLE', 's', 'r')))).toBe(false)
    expect(countsAgainstMiner(fetchFailureCode(fetchError('EVAL_FETCH_AUTH_FAILED', 's', 'r')))).toBe(false)
    expect(fetchFailureCode(new Error('bug'))).toBe('validator_internal')
  })
})
