import { z } from 'zod'
import { evaluatorConfigSchema } from '#evaluator'
import { chainConfigSection, MAX_CONNECTIONS, walletConfigSection } from '#protocol'
import { STATUS_INTERVAL_BLOCKS } from './node/worker.js'

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
  chain: chainConfigSection,
  wallet: walletConfigSection,
  store: z
    .strictObject({
      synchronous: z
        .enum(['NORMAL', 'FULL'])
        .default('FULL')
        .describe('SQLite synchronous mode: FULL survives power loss, NORMAL only process crashes'),
      minFreeMb: z
        .number()
        .int()
        .min(0)
        .default(64)
        .describe('refuse to start with less free space (MiB) on the data disk; 0 turns the check off'),
    })
    .prefault({}),
  light: z
    .boolean()
    .default(false)
    .describe('light mode: evaluate nothing; verify the mesh, compute and set weights from signed results'),
  canaries: z.boolean().default(true).describe('run the reference policies every cycle and report drift as unhealthy'),
  canaryIntervalBlocks: z
    .number()
    .int()
    .min(1)
    .default(300)
    .describe(
      'run the canaries only on cycles whose start passes a multiple of this many blocks (every cycle when cycles are longer); every validator picks the same cycles',
    ),
  capacity: z.number().int().min(1).max(64).default(1).describe('jobs evaluated in parallel (advertised to peers)'),
  families: z
    .array(z.string().regex(/^[a-z0-9._-]{1,64}$/u))
    .max(32)
    .default([])
    .describe('task families this node evaluates, e.g. mujoco (empty: every family)'),
  keys: z
    .strictObject({
      nodeKey: z
        .string()
        .min(1)
        .optional()
        .describe('libp2p node key file (default: <dataDir>/node.key, created on first start)'),
      strictPermissions: z
        .boolean()
        .default(false)
        .describe('refuse key files readable by group or others (otherwise a warning is logged)'),
    })
    .prefault({}),
  mesh: z
    .strictObject({
      listen: z
        .array(z.string().startsWith('/'))
        .min(1)
        .default(['/ip4/0.0.0.0/tcp/9944'])
        .describe('libp2p listen multiaddrs'),
      bootstrap: z
        .array(z.string().includes('/p2p/'))
        .default([])
        .describe('validators to dial at start (multiaddrs ending in /p2p/<peer id>)'),
      peerRecords: z
        .string()
        .min(1)
        .optional()
        .describe("file of other validators' signed peer records (hex, one per line) admitted at start"),
      manifests: z
        .string()
        .min(1)
        .optional()
        .describe('file of owner-signed competition manifests (hex, one per line) to accept and relay at start'),
      observers: z.array(z.string().min(1)).default([]).describe('peer ids of read-only observers (indexers) to admit'),
      denyFile: z
        .string()
        .min(1)
        .optional()
        .describe(
          'file of peer ids (one per line, # comments) to refuse and disconnect, re-read every block (default: <dataDir>/denied-peers)',
        ),
      maxConnections: z
        .number()
        .int()
        .min(16)
        .default(MAX_CONNECTIONS)
        .describe(
          "connection cap; must exceed the subnet's validators plus observers (every validator connects to all)",
        ),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      replicas: z.number().int().min(1).max(16).default(3).describe('validators evaluating each job'),
      silenceBlocks: z
        .number()
        .int()
        // A running job sends a status every STATUS_INTERVAL_BLOCKS; a shorter silence would take over
        // healthy assignees.
        .min(2 * STATUS_INTERVAL_BLOCKS)
        .default(20)
        .describe('blocks without a status after which an assignee is taken over'),
    })
    .prefault({}),
  weights: z
    .strictObject({
      enabled: z.boolean().default(true).describe('set weights on chain'),
      intervalBlocks: z.number().int().min(1).default(360).describe('blocks between weight updates'),
      onIncomplete: z
        .enum(['warn', 'skip'])
        .default('warn')
        .describe('with an incomplete view: set anyway with a warning, or skip the update'),
    })
    .prefault({}),
  health: z
    .strictObject({
      enabled: z.boolean().default(true).describe('serve /health and /metrics'),
      host: z.string().min(1).default('127.0.0.1').describe('health/metrics listen address'),
      port: z.number().int().min(0).max(65535).default(9615).describe('health/metrics port (0: any free port)'),
    })
    .prefault({}),
  evaluator: evaluatorConfigSchema.prefault({}),
})

/** The validated node configuration. */
export type NodeConfig = z.output<typeof nodeConfigSchema>
