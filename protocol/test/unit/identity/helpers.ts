import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { IdentityError, type IdentityErrorCode } from '../../../src/identity/errors.js'

/** Run `fn` and return the IdentityError it throws (or rejects with), failing unless its code is `code`. */
export async function expectCode(fn: () => unknown, code: IdentityErrorCode): Promise<IdentityError> {
  let caught: unknown
  try {
    await fn()
  } catch (err) {
    caught = err
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(IdentityError)
  expect((caught as IdentityError).code).toBe(code)
  return caught as IdentityError
}

/** A fresh temporary directory. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'kinitro-identity-'))
}

/** Vectors in fixtures/sr25519-vectors.json. */
export interface Sr25519Vector {
  secretPhrase: string
  secretSeed: string
  publicKey: string
  privateKey: string
  ss58Address: string
  message: string
  signature: string
}
