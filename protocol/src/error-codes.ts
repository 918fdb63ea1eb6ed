import { CHAIN_ERROR_FIXES } from './chain/errors.js'
import { COMMITMENT_ERROR_FIXES } from './commitments/errors.js'
import { CONFIG_ERROR_FIXES, KinitroError } from './errors.js'
import { IDENTITY_ERROR_FIXES } from './identity/errors.js'
import { JOBS_ERROR_FIXES } from './jobs/errors.js'
import { MESH_ERROR_FIXES } from './mesh/errors.js'
import { MESH_SYNC_ERROR_FIXES } from './mesh/sync/errors.js'
import { SCORING_ERROR_FIXES } from './scoring/errors.js'
import { VALIDATION_ERROR_FIXES } from './validation/errors.js'

/**
 * What to do about every error code protocol can raise. README.md "Errors" documents each code
 * (test/unit/error-tables.test.ts keeps the two in step); CLIs print the fix under the error.
 */
export const PROTOCOL_ERROR_FIXES: Readonly<Record<string, string>> = {
  ...CONFIG_ERROR_FIXES,
  ...IDENTITY_ERROR_FIXES,
  ...VALIDATION_ERROR_FIXES,
  ...COMMITMENT_ERROR_FIXES,
  ...SCORING_ERROR_FIXES,
  ...CHAIN_ERROR_FIXES,
  ...MESH_ERROR_FIXES,
  ...MESH_SYNC_ERROR_FIXES,
  ...JOBS_ERROR_FIXES,
}

/** Every error code protocol can raise. */
export const PROTOCOL_ERROR_CODES: readonly string[] = Object.keys(PROTOCOL_ERROR_FIXES)

const fixes = new Map<string, string>(Object.entries(PROTOCOL_ERROR_FIXES))

/** Let another component add its codes' fixes, so one formatter serves every CLI. */
export function registerErrorFixes(table: Readonly<Record<string, string>>): void {
  for (const [code, fix] of Object.entries(table)) fixes.set(code, fix)
}

/** The "how to fix" line for a code, if one is registered. */
export function howToFix(code: string): string | undefined {
  return fixes.get(code)
}

/** `error CODE: message` plus `how to fix: …` for typed errors; undefined for anything else. */
export function describeError(err: unknown): string | undefined {
  if (!(err instanceof KinitroError)) return undefined
  const fix = howToFix(err.code)
  return `error ${err.code}: ${err.message}${fix ? `\nhow to fix: ${fix}` : ''}`
}
