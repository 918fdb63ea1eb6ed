import { Counter, type Registry } from 'prom-client'

/** Sync metrics. Labels come from closed sets (method, result, verdict); never peer ids. */
export function getMetrics(register: Registry) {
  return {
    /** Inbound requests by method and outcome: served | rate_limited | bad_request | failed. */
    served: new Counter({
      name: 'kinitro_mesh_sync_inbound_requests_total',
      help: 'Inbound sync requests by method and result',
      labelNames: ['method', 'result'] as const,
      registers: [register],
    }),
    /** Outbound requests by method and outcome: ok or the MESH_SYNC_* code. */
    requests: new Counter({
      name: 'kinitro_mesh_sync_outbound_requests_total',
      help: 'Outbound sync requests by method and result',
      labelNames: ['method', 'result'] as const,
      registers: [register],
    }),
    /** Catch-up items by verdict: accept | ignore | reject | duplicate | known (already held, skipped). */
    items: new Counter({
      name: 'kinitro_mesh_sync_catchup_items_total',
      help: 'Items fetched by catch-up, by validation verdict',
      labelNames: ['verdict'] as const,
      registers: [register],
    }),
  }
}

/** The sync metrics object. */
export type SyncMetrics = ReturnType<typeof getMetrics>
