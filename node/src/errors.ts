import { registerErrorFixes } from '#protocol'
import { NODE_CANARY_ERROR_CODES, NODE_CANARY_ERROR_FIXES } from './canary/errors.js'
import { COMPETITION_ERROR_CODES, COMPETITION_ERROR_FIXES } from './cli/competition-errors.js'
import { HEALTH_ERROR_CODES, HEALTH_ERROR_FIXES } from './health/errors.js'
import { STORE_ERROR_CODES, STORE_ERROR_FIXES } from './store/errors.js'
import { WEIGHTS_ERROR_CODES, WEIGHTS_ERROR_FIXES } from './weights/errors.js'

/** Every error code the node component can raise; the READMEs' "Errors" tables document each. */
export const NODE_ERROR_CODES: readonly string[] = [
  ...STORE_ERROR_CODES,
  ...WEIGHTS_ERROR_CODES,
  ...HEALTH_ERROR_CODES,
  ...NODE_CANARY_ERROR_CODES,
  ...COMPETITION_ERROR_CODES,
]

// One formatter (`describeError` in #protocol) prints "how to fix" for every component's codes.
for (const fixes of [
  STORE_ERROR_FIXES,
  WEIGHTS_ERROR_FIXES,
  HEALTH_ERROR_FIXES,
  NODE_CANARY_ERROR_FIXES,
  COMPETITION_ERROR_FIXES,
]) {
  registerErrorFixes(fixes)
}
