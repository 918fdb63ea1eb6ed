/**
 * Ed25519 public KeyObjects kept by `verifySignature`. Design §10 expects tens to hundreds of validators,
 * each with one node key, so 4096 leaves >10x headroom while bounding memory (a KeyObject is a few hundred
 * bytes). A miss costs ~1.9x a hit (perf.md §3: 4.2k vs 8.0k verifies/s).
 */
export const ED25519_KEY_CACHE_SIZE = 4096

/** SS58 prefix of Bittensor (Subtensor `SS58Prefix` = 42, reference/chain.md §7). */
export const BITTENSOR_SS58_PREFIX = 42

/** Where btcli keeps wallets unless told otherwise (btwallet `src/constants.rs` `BT_WALLET_PATH`). */
export const DEFAULT_WALLETS_PATH = '~/.bittensor/wallets'

/** Words in a new hotkey mnemonic; btcli's `create_new_hotkey(12, …)` default (btwallet `src/wallet.rs`). */
export const HOTKEY_MNEMONIC_WORDS = 12

/** Environment variable a node reads a hotkey mnemonic from, for hotkeys that cannot live in a plain file. */
export const HOTKEY_MNEMONIC_ENV = 'KINITRO_HOTKEY_MNEMONIC'

/**
 * Substrate's well-known development phrase, the root of `//Alice`, `//Bob`, … (Substrate `sp_core::crypto`
 * `DEV_PHRASE`, also `@polkadot/keyring` `DEV_PHRASE`). Public by design: never use these keys on a real chain.
 */
export const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk'

/** Well-known dev account names, in Substrate's order (`sp_keyring::Sr25519Keyring`). */
export const DEV_ACCOUNT_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const

/** Permission bits that must be clear on a secret key file: anything for group or others (like ssh). */
export const INSECURE_MODE_BITS = 0o077

/** Mode for files holding secrets, as btcli writes them (btwallet `keyfile.rs`: `set_mode(0o600)`). */
export const SECRET_FILE_MODE = 0o600

/** Mode for directories we create to hold secrets. */
export const SECRET_DIR_MODE = 0o700
