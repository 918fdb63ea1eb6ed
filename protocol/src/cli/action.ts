import type { Command } from 'commander'
import { describeError } from '../error-codes.js'
import { KinitroError } from '../errors.js'

/**
 * Wrap a commander action so a typed error becomes `error CODE: message` + `how to fix: …` on stderr and
 * exit code 1 (through `command.error`, which honours `exitOverride` in tests). Other errors propagate:
 * they are bugs, and their stack is the useful part.
 */
export function typedAction<A extends unknown[]>(
  fn: (this: Command, ...args: A) => Promise<void> | void,
): (this: Command, ...args: A) => Promise<void> {
  return async function (this: Command, ...args: A): Promise<void> {
    try {
      await fn.apply(this, args)
    } catch (err) {
      const text = describeError(err)
      if (text !== undefined && err instanceof KinitroError) this.error(text, { code: err.code, exitCode: 1 })
      throw err
    }
  }
}
