import { registerErrorFixes } from '#protocol'
import { STORE_ERROR_CODES, STORE_ERROR_FIXES } from './store/errors.js'

/** Every error code the node component can raise; README.md "Errors" documents each. */
export const NODE_ERROR_CODES: readonly string[] = [...STORE_ERROR_CODES]

// One formatter (`describeError` in #protocol) prints "how to fix" for every component's codes.
registerErrorFixes(STORE_ERROR_FIXES)
