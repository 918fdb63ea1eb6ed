import { z } from 'zod'
import { evaluatorConfigSchema } from '#evaluator'
import { DEFAULT_DEV_CHAIN_HOST, DEFAULT_DEV_CHAIN_PORT } from '#protocol'

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const

/** Chain implementations a node can use. */
export const CHAIN_KINDS = ['dev', 'subtensor'] as const
export type ChainKind = (typeof CHAIN_KINDS)[number]

/** Where each chain kind is when `chain.url` is not set (finney's entrypoint: reference/chain.md §1). */
export const DEFAULT_CHAIN_URLS: Readonly<Record<ChainKind, string>> = {
  dev: `http://${DEFAULT_DEV_CHAIN_HOST}:${DEFAULT_DEV_CHAIN_PORT}`,
  subtensor: 'wss://entrypoint-finney.opentensor.ai:443',
}

/**
 * The validator node's configuration: TOML file < `KINITRO_*` env < CLI flags (see `#protocol` loadConfig).
 * Unknown keys are rejected so a typo is an error, not a silently ignored setting.
 */
export const nodeConfigSchema = z.strictObject({
  netuid: z.number().int().min(0).max(65535).default(1).describe('subnet id'),
  dataDir: z.string().min(1).default('~/.kinitro/node').describe('where the node keeps its database and keys'),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default('info').describe('log level'),
    })
    .prefault({}),
  chain: z
    .strictObject({
      kind: z.enum(CHAIN_KINDS).default('dev').describe('which chain: the embedded dev chain or Subtensor'),
      url: z
        .string()
        .regex(/^(https?|wss?):\/\//, 'an http(s):// URL (dev chain) or a ws(s):// URL (Subtensor)')
        .optional()
        .describe('chain endpoint (default: the local dev chain, or finney for subtensor)'),
    })
    .prefault({}),
  wallet: z
    .strictObject({
      name: z.string().min(1).default('default').describe('Bittensor wallet name'),
      hotkey: z.string().min(1).default('default').describe('hotkey name inside the wallet'),
      path: z.string().min(1).default('~/.bittensor/wallets').describe('wallets folder'),
    })
    .prefault({}),
  store: z
    .strictObject({
      synchronous: z
        .enum(['NORMAL', 'FULL'])
        .default('FULL')
        .describe('SQLite synchronous mode: FULL survives power loss, NORMAL only process crashes'),
    })
    .prefault({}),
  evaluator: evaluatorConfigSchema.prefault({}),
})

/** The validated node configuration. */
export type NodeConfig = z.output<typeof nodeConfigSchema>
