import { expect, onTestFinished } from 'vitest'
import { makeTempDir } from '../../../../test/utils/temp-dir.js'
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

/** A fresh temporary directory, removed when the calling test finishes (call it inside a test only). */
export function tempDir(): string {
  const tmp = makeTempDir('kinitro-identity-')
  onTestFinished(() => tmp.cleanup())
  return tmp.dir
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
