// Sizes and chain constants of the gossip bench, free of imports: the parent and the hub load only these.

export const NETUID = 7
/** The chain head every process uses: results are made at this block, so they are always fresh. */
export const HEAD = 1_000_000
/** Node processes (mesh nodes, then hub clients). */
export const NODES = 8
/** Result bodies of at least this size: the bulk of mesh traffic (envelope.bench.ts uses the same). */
export const RESULT_BODY_BYTES = 1024
