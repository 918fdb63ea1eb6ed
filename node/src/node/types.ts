import type { Registry } from 'prom-client'
import type { Chain, Hotkey, Logger, NodeKey } from '#protocol'
import type { Store } from '../store/index.js'
import type { IncompletePolicy } from '../weights/index.js'
import type { Evaluation } from './evaluation.js'

/** Everything a validator node is made of; the CLI builds these from config, tests build them directly. */
export interface ValidatorNodeInit {
  chain: Chain
  hotkey: Hotkey
  nodeKey: NodeKey
  store: Store
  /** Runs jobs. Absent → a light node: it verifies the mesh and sets weights but evaluates nothing. */
  evaluation?: Evaluation
  /** Parallel jobs (workers) and what we advertise in our peer record. @default 1 (0 when light) */
  capacity?: number
  /** Task families we evaluate (advertised). @default every family */
  families?: readonly string[]
  mesh?: {
    /** @default ['/ip4/127.0.0.1/tcp/0'] */
    listen?: readonly string[]
    /** Multiaddrs with `/p2p/<id>` dialled at start. */
    bootstrap?: readonly string[]
    /** Other validators' signed peer records, admitted at start (how the first connections are allowed). */
    peerRecords?: readonly Uint8Array[]
    /** Read-only peers (indexers) admitted without a record. */
    observers?: readonly string[]
    /** Connection cap; must exceed the subnet's validators plus observers. @default 512 */
    maxConnections?: number
    /** Peer ids to refuse and disconnect (a ban list), read on every block. @default none */
    denyPeers?: () => readonly string[]
  }
  /**
   * Signed competition manifests handed to this node (by the owner's tooling or the devnet): validated
   * exactly like gossip, stored, and relayed to the mesh.
   */
  manifests?: readonly Uint8Array[]
  /** Run the reference policies every cycle and report drift as unhealthy (needs `evaluation`). @default true */
  canaries?: boolean
  /**
   * Canaries run on the cycles whose start block passes a multiple of this (see `isCanaryCycle`): every cycle
   * when cycles are at least this long, one in k for short cycles. Short devnet cycles otherwise spent more
   * evaluator time on canaries than on miners (8 validators × 10 miners: ~100 canary policy starts for 30
   * jobs). @default 300 (an hour of Subtensor blocks)
   */
  canaryIntervalBlocks?: number
  /** Validators per job. @default 3 */
  replicas?: number
  /** Blocks without a status after which an assignee counts as silent. @default 20 */
  silenceBlocks?: number
  weights?: {
    /** @default true */
    enabled?: boolean
    /** @default 360 */
    intervalBlocks?: number
    /** @default 'warn' */
    onIncomplete?: IncompletePolicy
  }
  /** Health and metrics endpoint; `false` disables it. @default { port: 0 } */
  health?: { host?: string; port: number } | false
  /** Peer record validity. @default 7200 blocks */
  peerRecordTtlBlocks?: number
  /** Stake (rao) that makes a neuron without a permit eligible. */
  minStake?: bigint
  /** Alone on the mesh is healthy (a one-node devnet). @default false */
  aloneAllowed?: boolean
  /**
   * No new block for this long means the chain is gone for `/health` (`chain-disconnected`), even while the
   * connection looks open: a stalled RPC node stops the cycles as surely as a closed one.
   * @default 120000 (10 Subtensor blocks)
   */
  chainStaleMs?: number
  logger?: Logger
  register?: Registry
}

/** What `status()` reports (health endpoint, `kinitro node status`, tests). */
export interface ValidatorNodeStatus {
  hotkey: string
  peerId: string
  light: boolean
  head: number
  peers: number
  /** Connected peer ids (validators and observers). */
  peerIds: string[]
  manifests: number
  /** Subnet-owner actions accepted (approve, reject, rerun). */
  ownerActions: number
  jobsKnown: number
  queue: Record<string, number>
  outboxPending: number
  logMessages: number
  synced: boolean
  lastCatchUp: { accepted: number; rejected: number; complete: boolean } | null
  /** Jobs compared across replicas, and the latest divergences with their evidence. */
  replicas: { compared: number; divergences: import('./replicas.js').Divergence[] }
  canary: { healthy: boolean; reports: number } | null
  weights: { lastSetBlock: number | null; lastWeights: { uids: number[]; weights: number[] } | null } | null
}

/** A running validator node. */
export interface ValidatorNode {
  start(): Promise<void>
  /** Graceful: stop claiming, release the running jobs, flush nothing-lost state, close the mesh. */
  stop(): Promise<void>
  status(): ValidatorNodeStatus
  /** Our current signed peer record (what other nodes need to admit us). */
  peerRecord(): Uint8Array
  multiaddrs(): string[]
  readonly peerId: string
  /** `http://host:port` of the health/metrics endpoint, once started. */
  healthUrl(): string | undefined
  /** Run catch-up now against every connected validator (also done at start and on reconnect). */
  catchUp(): Promise<void>
}
