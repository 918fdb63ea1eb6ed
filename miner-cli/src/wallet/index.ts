export type { WalletErrorCode, WalletErrorMeta } from './errors.js'
export { WALLET_ERROR_CODES, WALLET_ERROR_FIXES, WalletError } from './errors.js'
export type { LoadMinerHotkeyOptions, MinerHotkey } from './hotkey.js'
export { loadMinerHotkey } from './hotkey.js'
