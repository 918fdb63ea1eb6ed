/**
 * Wire-level constants of the Kinitro mesh protocol: versions, domain tags, topic names, size limits,
 * field bounds and freshness windows (all in blocks: the chain block is the mesh clock).
 *
 * Changing any value here changes what peers accept. Sizes and bounds only ever grow within one wire
 * version; anything else needs a new version.
 */

/** Wire version this build writes. Envelopes with another version are ignored, not rejected. */
export const WIRE_VERSION = 1

/** Versions this build can read. */
export const SUPPORTED_WIRE_VERSIONS: readonly number[] = [WIRE_VERSION]

/** Prefix of every signing domain tag; the full tag is `kinitro/v<version>/<type name>`. */
export const DOMAIN_PREFIX = `kinitro/v${WIRE_VERSION}/`

/** Version suffix of gossip topic strings (`/kinitro/<netuid>/<name>/1`). */
export const TOPIC_VERSION = 1

/** Length of keys, digests, job ids and message ids on the wire. */
export const KEY_BYTES = 32
/** Length of ed25519 and sr25519 signatures. */
export const SIGNATURE_BYTES = 64

// Subtensor netuids are u16 (chain.md §2: `netuid: u16`); the signing payload encodes them in 2 bytes.
/** Largest netuid. */
export const MAX_NETUID = 0xffff

// ---------------------------------------------------------------------------------------------------
// Size limits. Checked on the raw bytes before any parsing, so an oversized message costs nothing.

/**
 * Envelope bytes around the body: type (2) + version (≤6) + body tag and length (≤5) + signer (34)
 * + scheme (2) + signature (66) = 115 at most; rounded up.
 */
export const ENVELOPE_OVERHEAD_BYTES = 128

/**
 * Largest encoded body per message type, in bytes.
 * - peer-record 4 KiB: keys, peer id and signature take ~180 B; 16 multiaddrs of up to 64 B and 32 task
 *   families of up to 64 B (~2.1 KB) fit.
 * - competition-manifest 64 KiB: 256 tasks with ~200 B of parameters each.
 * - job-announcement 4 KiB: dominated by the commitment (≤ {@link MAX_WIRE_COMMITMENT_BYTES}).
 * - job-status 1 KiB: a few numbers and a ≤ 256 B detail.
 * - result 1 MiB: ~8k episode records of ~100 B; matches the gossipsub payload cap we plan to set
 *   (reference/p2p.md §10, `maxInboundDataLength` = max payload) and keeps one result well under
 *   yamux's 4 MiB per-stream read buffer (p2p.md §1).
 * - weights-announcement 32 KiB: 4096 uid/weight pairs at 4 B each is 16 KiB, doubled for headroom.
 * - owner-action 40 KiB: up to {@link MAX_OWNER_ACTION_ENVS} env ids of ≤ 128 B (~33 KB) plus a ≤ 256 B
 *   reason and ~150 B of fixed fields.
 */
export const MAX_BODY_BYTES = {
  'peer-record': 4 * 1024,
  'competition-manifest': 64 * 1024,
  'job-announcement': 4 * 1024,
  'job-status': 1024,
  result: 1024 * 1024,
  'weights-announcement': 32 * 1024,
  'owner-action': 40 * 1024,
} as const

/** Largest envelope of any type; the check made before the type is known. */
export const MAX_ENVELOPE_BYTES = Math.max(...Object.values(MAX_BODY_BYTES)) + ENVELOPE_OVERHEAD_BYTES

/**
 * Largest encoded sync frame per kind, in bytes. Responses must hold at least one largest envelope
 * (1 MiB + overhead) and stay under yamux's 4 MiB default read buffer (p2p.md §1 and §9), hence 2 MiB.
 */
export const MAX_SYNC_FRAME_BYTES = {
  'status-request': 64,
  'status-response': 1024,
  'range-request': 1024,
  'range-response': 2 * 1024 * 1024,
  'by-id-request': 16 * 1024,
  'by-id-response': 2 * 1024 * 1024,
} as const

/** Most items one range page or by-id request may carry (p2p.md §7: pages of at most 256 items). */
export const MAX_SYNC_ITEMS = 256
/** Longest opaque sync cursor. */
export const MAX_SYNC_CURSOR_BYTES = 256

// ---------------------------------------------------------------------------------------------------
// Field bounds. They also feed protons' decode limits, so a small body cannot expand into millions of
// objects before validation sees it.

/** Longest identifier-like string (competition id, env id, task id, strategy, versions, map keys). */
export const MAX_ID_BYTES = 128
/** Longest human-readable name. */
export const MAX_NAME_BYTES = 256
/** Longest task parameter value. */
export const MAX_PARAM_VALUE_BYTES = 1024
/** Most entries in one parameter map. */
export const MAX_PARAMS = 64
/** Most tasks in a competition. */
export const MAX_TASKS = 256
/** Most multiaddrs in a peer record. */
export const MAX_MULTIADDRS = 16
/** Most parallel jobs a peer record may offer (a 256-core host running one job per core). */
export const MAX_PEER_CAPACITY = 256
/** Most task families a peer record may list (families are coarse: a simulator or a container image). */
export const MAX_PEER_FAMILIES = 32
/** Longest task family name. */
export const MAX_PEER_FAMILY_BYTES = 64
/** Longest binary multiaddr. */
export const MAX_MULTIADDR_BYTES = 256
/** Longest libp2p peer id (an identity multihash of an ed25519 key is 38 bytes). */
export const MAX_PEER_ID_BYTES = 64
// chain.md §2: a commitment has at most 3 fields; the largest variants are BigRaw (≤ 512 B) and
// TimelockEncrypted (≤ 1024 B). 2 KiB covers a decoded commitment of any shape. (What we *build* is
// much smaller: commitments/constants.ts MAX_COMMITMENT_BYTES = 128.)
/** Longest miner commitment string a job announcement may carry, in UTF-8 bytes. */
export const MAX_WIRE_COMMITMENT_BYTES = 2048
/** Longest job status detail, in UTF-8 bytes. */
export const MAX_STATUS_DETAIL_BYTES = 256
/** Longest per-episode error string, in UTF-8 bytes. */
export const MAX_EPISODE_ERROR_BYTES = 256
/** Most episode records in one result (see the result size limit). */
export const MAX_EPISODES_PER_RESULT = 8192
/** Most per-environment summaries in one result. */
export const MAX_ENVS_PER_RESULT = 64
/** Most artifact URIs in one result. */
export const MAX_ARTIFACT_URIS = 32
/** Longest artifact URI. */
export const MAX_ARTIFACT_URI_BYTES = 512
// Subtensor's default MaxAllowedUids is 256 and subnets may raise it; 4096 is the largest we accept.
/** Most uid/weight pairs in a weights announcement. */
export const MAX_WEIGHT_ENTRIES = 4096
// A re-run names env ids of one competition, and a competition has at most MAX_TASKS tasks.
/** Most env ids one owner action (or re-run job) may name. */
export const MAX_OWNER_ACTION_ENVS = MAX_TASKS
/** Longest owner action reason, in UTF-8 bytes. */
export const MAX_OWNER_REASON_BYTES = 256
/** Most episodes per task a manifest may ask for. */
export const MAX_EPISODES_PER_TASK = 1000
/** Largest max_steps a manifest may ask for. */
export const MAX_EPISODE_STEPS = 1_000_000

// ---------------------------------------------------------------------------------------------------
// Freshness, in blocks (12 s each on finney, chain.md §1). A message older than its window is ignored on
// gossip (replay/DoS guard; catch-up sync skips this rule); one from further ahead than the tolerance is
// rejected.

/**
 * How far ahead of our head block a message may claim to be. Peers' chain views differ by a few blocks
 * (RPC and finality lag); 10 blocks = 2 minutes.
 */
export const FUTURE_TOLERANCE_BLOCKS = 10

/** Longest validity a peer record may claim (expires_at − issued_at): 7 days. */
export const MAX_PEER_RECORD_TTL_BLOCKS = 50_400

/**
 * Gossip freshness window per message type.
 * - peer-record = {@link MAX_PEER_RECORD_TTL_BLOCKS}: a record is usable until it expires, and expiry is
 *   checked on its own; the window only bounds how old an `issued_at_block` can be at all.
 * - competition-manifest 50400 (7 days): manifests are long-lived; older ones come through sync.
 * - job-announcement 1800 (6 h): announcements are made at cycle start; late nodes derive jobs themselves.
 * - job-status 300 (1 h): liveness information; stale status is useless on gossip.
 * - result 7200 (24 h): covers an outbox republish after a long outage.
 * - weights-announcement 1080 (3 tempos of 360 blocks, chain.md §2).
 * - owner-action 50400 (7 days), like manifests: the owner's decisions are rare and stay in force; older
 *   ones come through sync.
 */
export const FRESHNESS_WINDOW_BLOCKS = {
  'peer-record': MAX_PEER_RECORD_TTL_BLOCKS,
  'competition-manifest': 50_400,
  'job-announcement': 1800,
  'job-status': 300,
  result: 7200,
  'weights-announcement': 1080,
  'owner-action': 50_400,
} as const

/** Validity a node gives its own peer record by default (24 h); it reissues at half-life. */
export const DEFAULT_PEER_RECORD_TTL_BLOCKS = 7200
