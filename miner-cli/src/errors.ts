import { COMMIT_ERROR_CODES } from './commit/errors.js'
import { EVAL_ERROR_CODES } from './eval/errors.js'
import { PACKAGE_ERROR_CODES } from './package/errors.js'
import { SCAFFOLD_ERROR_CODES } from './scaffold/errors.js'
import { STATUS_ERROR_CODES } from './status/errors.js'
import { UPLOAD_ERROR_CODES } from './upload/errors.js'
import { WALLET_ERROR_CODES } from './wallet/errors.js'

/**
 * Every error code a miner command can raise, each with a "how to fix" (registered by its area's
 * `errors.ts`, printed by `typedAction`). The areas' READMEs ("Errors") document them; a test keeps the
 * tables and this list equal.
 */
export const MINER_ERROR_CODES: readonly string[] = [
  ...SCAFFOLD_ERROR_CODES,
  ...EVAL_ERROR_CODES,
  ...PACKAGE_ERROR_CODES,
  ...UPLOAD_ERROR_CODES,
  ...COMMIT_ERROR_CODES,
  ...WALLET_ERROR_CODES,
  ...STATUS_ERROR_CODES,
]
