import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * Mesh metrics. Labels come from closed sets only: `topic` (TopicName), `result` (accept|ignore|reject),
 * `code` (ValidationErrorCode or `internal`), `kind` (validator|observer); never peer ids or hotkeys.
 *
 * @example
 * ```ts
 * const metrics = getMetrics(new Registry())
 * createMeshHost({ ...init, metrics })
 * ```
 */
export function getMetrics(register: Registry) {
  const registers = [register]
  return {
    validationTotal: new Counter({
      name: 'kinitro_mesh_validation_total',
      help: 'Gossip messages validated, by topic and verdict',
      labelNames: ['topic', 'result'] as const,
      registers,
    }),
    validationErrorTotal: new Counter({
      name: 'kinitro_mesh_validation_error_total',
      help: 'Gossip messages not accepted, by error code (internal = not a ValidationError)',
      labelNames: ['code'] as const,
      registers,
    }),
    queueLength: new Gauge({
      name: 'kinitro_mesh_queue_length',
      help: 'Gossip messages waiting for validation, by topic',
      labelNames: ['topic'] as const,
      registers,
    }),
    queueDroppedTotal: new Counter({
      name: 'kinitro_mesh_queue_dropped_total',
      help: 'Gossip messages dropped because the topic queue was full',
      labelNames: ['topic'] as const,
      registers,
    }),
    peers: new Gauge({
      name: 'kinitro_mesh_peers',
      help: 'Connected peers, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    allowlistSize: new Gauge({
      name: 'kinitro_mesh_allowlist_size',
      help: 'Peers the gater admits, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
  }
}

/** The mesh metrics object. */
export type MeshMetrics = ReturnType<typeof getMetrics>
