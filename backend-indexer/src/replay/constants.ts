/** Name of the file an artifact URI points at (`EPISODE_FILE` in evaluator/src/artifacts/episode-log.ts). */
export const EPISODE_FILE = 'episode.json'

// Measured for a 500-step mujoco/pick-place-v1 episode (the built-in maximum): steps.jsonl.gz 46 KB,
// snapshots 3.2 KB, episode.json 1.2 KB. 16 MiB per file leaves ~350x for longer remote-env episodes
// while bounding what one request can make the indexer hold.
/** Largest artifact file (compressed, and again decompressed) a reader accepts. @default 16 MiB */
export const DEFAULT_MAX_ARTIFACT_BYTES = 16 * 1024 * 1024

// The built-in tasks stop at 500 steps (evaluator/src/env/mujoco/spec.ts MAX_STEPS); remote families may
// run longer, so 20x that before a trace is refused.
/** Most steps a replayed episode may have. @default 10000 */
export const DEFAULT_MAX_REPLAY_STEPS = 10_000

/** Whole-replay deadline: fetch, digests, re-simulation. @default 30000 */
export const DEFAULT_REPLAY_TIMEOUT_MS = 30_000

// Measured: 501 frames with three points serialize to 139 KB (~280 B a frame), so 50k frames bound the
// cache near 14 MB: 100 full-length built-in episodes.
/** Frames held in the document cache, summed over documents. @default 50000 */
export const DEFAULT_CACHE_FRAMES = 50_000

/** Episode rows fetched per page while looking up the signed episode of a result. */
export const EPISODE_PAGE = 1000
