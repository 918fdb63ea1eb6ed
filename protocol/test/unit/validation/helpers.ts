import { expect } from 'vitest'
import { ValidationError, type ValidationErrorCode } from '../../../src/validation/errors.js'

/** The code of the ValidationError `fn` throws, or undefined when it does not throw. */
export function codeOf(fn: () => unknown): ValidationErrorCode | undefined {
  try {
    fn()
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ValidationError)
    return (err as ValidationError).code
  }
  return undefined
}
