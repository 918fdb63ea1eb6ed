/**
 * Subtensor constants and defaults the rules use. Sources: reference/chain.md §2–§6, which reads
 * `opentensor/subtensor` main (spec 425) `pallets/subtensor/src/lib.rs` and `pallets/commitments/src/lib.rs`.
 */

/** Largest u16; weights are max-upscaled so the largest becomes this. */
export const U16_MAX = 65535

/** Largest `RawN` commitment field (`Data::Raw0..Raw128`, chain.md §2). */
export const MAX_RAW_COMMITMENT_BYTES = 128

/** Largest `BigRaw` commitment field (`BoundedVec<u8, 512>`, spec ≥ 424, chain.md §2). */
export const MAX_BIG_RAW_COMMITMENT_BYTES = 512

/** Per (netuid, hotkey) commitment space per epoch (`MaxSpace` default, chain.md §2). */
export const DEFAULT_COMMITMENT_MAX_SPACE = 3100

/** Each commitment call costs at least this much space (chain.md §2). */
export const MIN_COMMITMENT_COST = 100

/** Space a hash-variant field counts (`BlakeTwo256` & co, chain.md §2). */
export const HASH_FIELD_COST = 32

/** Unrevealed CR commits one hotkey may hold (chain.md §5, `TooManyUnrevealedCommits`). */
export const MAX_UNREVEALED_COMMITS = 10

/** `Tempo` initial value on mainnet (chain.md §5). */
export const DEFAULT_TEMPO = 360

/** `WeightsSetRateLimit` default (chain.md §5 check 9). */
export const DEFAULT_WEIGHTS_RATE_LIMIT = 100

/** `RevealPeriodEpochs` default (chain.md §5, CR v4 text). */
export const DEFAULT_REVEAL_PERIOD_EPOCHS = 1

/** `MaxAllowedValidators` initial value for new subnets in the current runtime (chain.md §6). */
export const DEFAULT_MAX_ALLOWED_VALIDATORS = 128

/** `MinAllowedWeights` initial value for new subnets (chain.md §5 check 13): effectively "all uids". */
export const DEFAULT_MIN_ALLOWED_WEIGHTS = 1024

/** `StakeThreshold` as the validator docs state it (chain.md §6); read the real value from the chain. */
export const DEFAULT_STAKE_THRESHOLD = 1000n

/** `CommitRevealWeightsVersion` on current mainnet (chain.md §5, CR v4). */
export const COMMIT_REVEAL_WEIGHTS_VERSION = 4

/** `ActivityCutoff` default in blocks (subtensor `DefaultActivityCutoff`). */
export const DEFAULT_ACTIVITY_CUTOFF = 5000

/** `MaxAllowedUids` default per subnet (subtensor `DefaultMaxAllowedUids`). */
export const DEFAULT_MAX_ALLOWED_UIDS = 256
