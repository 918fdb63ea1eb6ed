import { z } from 'zod'
import { DEFAULT_WALLETS_PATH } from './constants.js'

/**
 * The `wallet` section of every config that signs with a hotkey (node, miner): btcli's wallet, hotkey and
 * folder names, so a key made with btcli is found with the same three names.
 */
export const walletConfigSection = z
  .strictObject({
    name: z.string().min(1).default('default').describe('Bittensor wallet name'),
    hotkey: z.string().min(1).default('default').describe('hotkey name inside the wallet'),
    path: z.string().min(1).default(DEFAULT_WALLETS_PATH).describe('wallets folder'),
  })
  .prefault({})
