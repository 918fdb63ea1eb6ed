import { KinitroError } from '#protocol'

/** Every code a {@link GossipBenchError} can carry. */
export const GOSSIP_BENCH_ERROR_CODES = [
  'BENCH_CHILD_EXITED',
  'BENCH_CHILD_TIMEOUT',
  'BENCH_CHILD_FAILED',
  'BENCH_MESH_NOT_READY',
  'BENCH_HUB_NOT_READY',
] as const

export type GossipBenchErrorCode = (typeof GOSSIP_BENCH_ERROR_CODES)[number]

/** Metadata per code: plain data, so an error raised in a child crosses the IPC channel intact. */
export type GossipBenchErrorMeta =
  | { code: 'BENCH_CHILD_EXITED'; child: string; exitCode: number | null; signal: string | null; stderr: string }
  | { code: 'BENCH_CHILD_TIMEOUT'; child: string; op: string; timeoutMs: number }
  | { code: 'BENCH_CHILD_FAILED'; child: string; op: string; reason: string }
  | { code: 'BENCH_MESH_NOT_READY'; timeoutMs: number; minMeshPeers: number; nodes: string }
  | { code: 'BENCH_HUB_NOT_READY'; timeoutMs: number; connected: number; expected: number }

/**
 * Failures of the gossip benchmark's process cluster (a child died, did not answer, or the mesh never
 * formed). Any of them aborts the bench; the cluster is killed before it propagates.
 */
export class GossipBenchError extends KinitroError<GossipBenchErrorMeta> {}
