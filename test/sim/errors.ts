import { KinitroError } from '#protocol'

/** Every code a {@link SimError} can carry (documented in test/sim/README.md). */
export const SIM_ERROR_CODES = ['SIM_BAD_CONFIG', 'SIM_MESH_NOT_READY', 'SIM_MESH_RUN_FAILED'] as const

export type SimErrorCode = (typeof SIM_ERROR_CODES)[number]

export type SimErrorMeta =
  | { code: 'SIM_BAD_CONFIG'; field: string; reason: string }
  | { code: 'SIM_MESH_NOT_READY'; timeoutMs: number; meshPeers: string }
  | { code: 'SIM_MESH_RUN_FAILED'; reason: string }

/** A bad model input, or the in-process mesh used to check the model did not form or run. */
export class SimError extends KinitroError<SimErrorMeta> {}
