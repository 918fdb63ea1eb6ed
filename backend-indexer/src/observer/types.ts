import type { Metagraph } from '#protocol'

/** What the mesh observer reports about itself (for `/health`, `/v1/validators` and the dashboard). */
export interface ObserverStatus {
  /** Chain head as last seen. */
  head: number
  peerId: string
  /** Connected mesh peers. */
  peers: number
  /** True once a catch-up round completed against at least one validator. */
  synced: boolean
  lastCatchUp: { at: number; accepted: number; rejected: number; complete: boolean } | null
  /** Messages accepted since start, and refused by code. */
  accepted: number
  refused: Record<string, number>
}

/** The observer's read side, used by routes. */
export interface ObserverView {
  status(): ObserverStatus
  /** The metagraph as last refreshed; undefined before the first refresh. */
  metagraph(): Metagraph | undefined
}
