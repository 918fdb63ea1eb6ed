import { z } from 'zod'

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const

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
      url: z
        .string()
        .regex(/^(wss?:\/\/|dev$)/, 'a ws:// or wss:// URL, or "dev" for the embedded dev chain')
        .default('dev')
        .describe('Subtensor endpoint'),
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
})

/** The validated node configuration. */
export type NodeConfig = z.output<typeof nodeConfigSchema>
