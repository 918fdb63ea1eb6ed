/**
 * Typed errors shared by every component.
 *
 * Each component declares a closed union of `UPPER_SNAKE` codes with its own prefix and documents them
 * in its README (code | meaning | how to fix); a test keeps the two in sync. Callers branch on `code`,
 * never on `message`.
 */

/** Anything that can be carried next to an error code: plain, structured-clone-safe data. */
export type ErrorMeta = { code: string } & Record<string, unknown>

/** Serialized form, safe to send across worker, process and request/response boundaries. */
export interface KinitroErrorObject {
  name: string
  message: string
  meta: ErrorMeta
}

/**
 * Base class for every error the project throws on purpose.
 *
 * @example
 * ```ts
 * type MyMeta = { code: 'X_BROKEN'; what: string }
 * throw new KinitroError<MyMeta>({ code: 'X_BROKEN', what: 'thing' }, 'the thing is broken')
 * ```
 */
export class KinitroError<T extends ErrorMeta = ErrorMeta> extends Error {
  readonly meta: T

  constructor(meta: T, message?: string, options?: { cause?: unknown }) {
    super(message ?? meta.code, options)
    this.meta = meta
    this.name = new.target.name
  }

  get code(): T['code'] {
    return this.meta.code
  }

  toObject(): KinitroErrorObject {
    return { name: this.name, message: this.message, meta: { ...this.meta } }
  }

  static fromObject(obj: KinitroErrorObject): KinitroError {
    const err = new KinitroError(obj.meta, obj.message)
    err.name = obj.name
    return err
  }
}

/** True when `err` is a {@link KinitroError} carrying `code`. */
export function hasCode(err: unknown, code: string): err is KinitroError {
  return err instanceof KinitroError && err.code === code
}

/** Codes raised by configuration loading (see README, "Errors"). */
export const CONFIG_ERROR_CODES = ['CONFIG_INVALID', 'CONFIG_FILE_UNREADABLE', 'CONFIG_FILE_MALFORMED'] as const
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number]

/** What the user should do about each config code. */
export const CONFIG_ERROR_FIXES: Readonly<Record<ConfigErrorCode, string>> = {
  CONFIG_INVALID: 'fix each listed key in the file, the KINITRO_* variable or the flag it names',
  CONFIG_FILE_UNREADABLE: 'check the --config / KINITRO_CONFIG path and its permissions',
  CONFIG_FILE_MALFORMED: 'fix the TOML syntax at the position the message gives',
}

export type ConfigErrorMeta =
  | { code: 'CONFIG_INVALID'; issues: ConfigIssue[] }
  | { code: 'CONFIG_FILE_UNREADABLE'; path: string; reason: string }
  | { code: 'CONFIG_FILE_MALFORMED'; path: string; reason: string }

/** One problem found in a configuration: which key, what value, what was expected, and where it came from. */
export interface ConfigIssue {
  key: string
  value: unknown
  expected: string
  source: 'file' | 'env' | 'flag' | 'default'
}

export class ConfigError extends KinitroError<ConfigErrorMeta> {}
