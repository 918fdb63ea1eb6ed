import { KinitroError } from '#protocol'

/** What the operator should do about each health-server code; the README "Errors" table mirrors it. */
export const HEALTH_ERROR_FIXES = {
  NODE_HEALTH_BAD_OPTIONS: 'pass a port in 0..65535 and a non-empty host',
  NODE_HEALTH_LISTEN_FAILED: 'the port is taken or the host is not local; pick another health.port / health.host',
  NODE_RELAY_FORBIDDEN: "relay from the node's own machine (the relay answers loopback clients only), e.g. over ssh",
  NODE_RELAY_BAD_BODY:
    'POST the envelope bytes with Content-Type application/octet-stream (kinitro competition publish does)',
  NODE_RELAY_FAILED:
    "the node validated the message but could not store it; read the node's log (disk full, store closed)",
} as const

/** One health-server error code. */
export type HealthErrorCode = keyof typeof HEALTH_ERROR_FIXES

/** Every code a {@link HealthError} can carry. */
export const HEALTH_ERROR_CODES = Object.keys(HEALTH_ERROR_FIXES) as readonly HealthErrorCode[]

export type HealthErrorMeta =
  | { code: 'NODE_HEALTH_BAD_OPTIONS'; field: string }
  | { code: 'NODE_HEALTH_LISTEN_FAILED'; host: string; port: number }
  | { code: 'NODE_RELAY_FORBIDDEN'; remote: string }
  | { code: 'NODE_RELAY_BAD_BODY'; reason: string }
  | { code: 'NODE_RELAY_FAILED' }

/**
 * Errors of the health and metrics HTTP server (`node/src/health`). The relay's codes travel in its JSON
 * answer (`code`), next to the `MESH_*` validation codes.
 */
export class HealthError extends KinitroError<HealthErrorMeta> {}
