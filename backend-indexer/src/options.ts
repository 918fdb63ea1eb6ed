import { z } from 'zod'
import { chainConfigSection } from '#protocol'

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const

/**
 * The indexer's configuration: TOML file < `KINITRO_*` env < CLI flags (`#protocol` loadConfig). Unknown
 * keys are rejected, so a typo is an error.
 */
export const indexerConfigSchema = z.strictObject({
  netuid: z.number().int().min(0).max(65535).default(1).describe('subnet id'),
  dataDir: z.string().min(1).default('~/.kinitro/indexer').describe('where the indexer keeps its key and SQLite file'),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info').describe('log level') }).prefault({}),
  chain: chainConfigSection,
  store: z
    .strictObject({
      url: z
        .string()
        .min(1)
        .optional()
        .describe('postgres://… for PostgreSQL, or a SQLite file path (default: <dataDir>/indexer.sqlite)'),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe('REST, feed and dashboard listen address'),
      port: z.number().int().min(0).max(65535).default(8080).describe('REST, feed and dashboard port (0 = any)'),
      rateLimit: z.number().int().min(0).default(600).describe('requests per minute per client IP (0 = no limit)'),
      corsOrigin: z.string().min(1).default('*').describe('allowed CORS origin'),
    })
    .prefault({}),
  keys: z
    .strictObject({
      nodeKey: z.string().min(1).optional().describe('observer libp2p key file (default: <dataDir>/node.key)'),
      strictPermissions: z
        .boolean()
        .default(false)
        .describe('refuse a key file readable by group or others (otherwise a warning is logged)'),
    })
    .prefault({}),
  mesh: z
    .strictObject({
      listen: z.array(z.string()).default(['/ip4/127.0.0.1/tcp/0']).describe('libp2p listen multiaddrs'),
      bootstrap: z.array(z.string()).default([]).describe('multiaddrs (with /p2p/<id>) dialled at start'),
      peerRecords: z
        .string()
        .min(1)
        .optional()
        .describe('file of hex peer-record envelopes, one per line: validators to admit and dial'),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      replicas: z.number().int().min(1).max(16).default(3).describe('validators per job, as the mesh runs'),
      silenceBlocks: z.number().int().min(1).default(20).describe('blocks of silence before a take-over'),
    })
    .prefault({}),
  artifacts: z
    .strictObject({
      roots: z
        .array(z.string())
        .default([])
        .describe('folders whose file:// episode traces the replay view may read (validators’ artifact dirs)'),
    })
    .prefault({}),
})

/** The parsed indexer configuration. */
export type IndexerConfig = z.infer<typeof indexerConfigSchema>
