import { KinitroError } from '../errors.js'

/** Every code a {@link MeshError} can carry; protocol/src/mesh/README.md lists the same codes. */
export const MESH_ERROR_CODES = [
  'MESH_HOST_CONFIG_INVALID',
  'MESH_HOST_NOT_STARTED',
  'MESH_PUBLISH_NO_PEERS',
  'MESH_PUBLISH_FAILED',
  'MESH_DIAL_FAILED',
] as const

/** One of {@link MESH_ERROR_CODES}. */
export type MeshErrorCode = (typeof MESH_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()`. */
export type MeshErrorMeta =
  | { code: 'MESH_HOST_CONFIG_INVALID'; field: string; reason: string }
  | { code: 'MESH_HOST_NOT_STARTED'; operation: string }
  | { code: 'MESH_PUBLISH_NO_PEERS'; topic: string }
  | { code: 'MESH_PUBLISH_FAILED'; topic: string; reason: string }
  | { code: 'MESH_DIAL_FAILED'; addr: string; reason: string }

/**
 * Errors raised by the mesh host (`protocol/src/mesh`). Message verdicts are `ValidationError`s, not these.
 *
 * @example
 * ```ts
 * try { await host.publish('result', bytes) } catch (err) { if (hasCode(err, 'MESH_PUBLISH_NO_PEERS')) retryLater() }
 * ```
 */
export class MeshError extends KinitroError<MeshErrorMeta> {}

/** What to do about each mesh code; mirrored in the README table. */
export const MESH_ERROR_FIXES: Readonly<Record<MeshErrorCode, string>> = {
  MESH_HOST_CONFIG_INVALID: 'fix the named option (netuid 0–65535, parseable listen multiaddrs, observer peer ids)',
  MESH_HOST_NOT_STARTED: 'await host.start() before publishing or dialling, and not after stop()',
  MESH_PUBLISH_NO_PEERS:
    'no permitted peer subscribes to the topic yet: wait for peers (bootstrap records, dial), keep the message in the outbox and retry',
  MESH_PUBLISH_FAILED: 'see the reason; the message stays in the outbox and is retried',
  MESH_DIAL_FAILED: "check the address and that the peer's record is in our allowlist (the gater denies unknown peers)",
}
