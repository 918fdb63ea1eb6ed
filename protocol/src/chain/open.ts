import { z } from 'zod'
import type { Chain } from './chain.js'
import { devChainClient } from './devchain/client.js'
import { DEFAULT_DEV_CHAIN_HOST, DEFAULT_DEV_CHAIN_PORT } from './devchain/constants.js'
import { createSubtensorChain } from './subtensor/subtensor-chain.js'

/** Chain implementations a peer can use. */
export const CHAIN_KINDS = ['dev', 'subtensor'] as const
/** One of {@link CHAIN_KINDS}; the one place that decides between them is {@link openChain}. */
export type ChainKind = (typeof CHAIN_KINDS)[number]

/** Where each chain kind is when no URL is configured (finney's entrypoint: reference/chain.md §1). */
export const DEFAULT_CHAIN_URLS: Readonly<Record<ChainKind, string>> = {
  dev: `http://${DEFAULT_DEV_CHAIN_HOST}:${DEFAULT_DEV_CHAIN_PORT}`,
  subtensor: 'wss://entrypoint-finney.opentensor.ai:443',
}

/** Where the chain is. */
export interface ChainConnectConfig {
  /** @default 'dev' */
  kind: ChainKind
  /** Dev chain: its HTTP URL. Subtensor: its ws:// or wss:// endpoint. */
  url: string
  /** @default 1 */
  netuid: number
  /** Subtensor: give up connecting after this long. @default 30 s (the adapter's CONNECT_TIMEOUT_MS) */
  connectTimeoutMs?: number
}

/** Open the `Chain` a config names: the embedded dev chain's client, or Subtensor over @polkadot/api. */
export async function openChain(config: ChainConnectConfig): Promise<Chain> {
  switch (config.kind) {
    case 'dev':
      return devChainClient({ url: config.url, netuid: config.netuid })
    case 'subtensor':
      return createSubtensorChain({ url: config.url, netuid: config.netuid, connectTimeoutMs: config.connectTimeoutMs })
  }
}

/**
 * The `chain` section every peer's config file shares (node, indexer): which chain and where. Unknown keys
 * are rejected, as in every config schema.
 */
export const chainConfigSection = z
  .strictObject({
    kind: z.enum(CHAIN_KINDS).default('dev').describe('which chain: the embedded dev chain or Subtensor'),
    url: z
      .string()
      .regex(/^(https?|wss?):\/\//, 'an http(s):// URL (dev chain) or a ws(s):// URL (Subtensor)')
      .optional()
      .describe('chain endpoint (default: the local dev chain, or finney for subtensor)'),
  })
  .prefault({})
