/** What the node reports about itself; the caller assembles it from the chain client, mesh and sync. */
export interface HealthStatus {
  /** The chain client answers (its last call succeeded or the block stream is live). */
  chainConnected: boolean
  /** Connected mesh peers. */
  meshPeers: number
  /** Healthy with 0 peers (a single-node devnet, the first validator of a subnet). @default false */
  aloneAllowed?: boolean
  /** Caught up with the mesh and the chain (catch-up finished, no backlog past its bound). */
  synced: boolean
  /** Further named checks (e.g. `canary`, `weights`); a false one makes the node unhealthy. */
  checks?: Record<string, boolean>
}

/** The `/health` body: the verdict, why, and the figures it came from. */
export interface HealthReport {
  healthy: boolean
  /** Empty when healthy; else `chain-disconnected`, `no-mesh-peers`, `not-synced`, `check:<name>`, `status-unavailable`. */
  reasons: string[]
  chainConnected: boolean
  meshPeers: number
  synced: boolean
}

/** The verdict for a status: pure, so the rules are testable without a server. */
export function healthReport(s: HealthStatus): HealthReport {
  const reasons: string[] = []
  if (!s.chainConnected) reasons.push('chain-disconnected')
  if (s.meshPeers < 1 && s.aloneAllowed !== true) reasons.push('no-mesh-peers')
  if (!s.synced) reasons.push('not-synced')
  for (const [name, ok] of Object.entries(s.checks ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)))
    if (!ok) reasons.push(`check:${name}`)
  return {
    healthy: reasons.length === 0,
    reasons,
    chainConnected: s.chainConnected,
    meshPeers: s.meshPeers,
    synced: s.synced,
  }
}
