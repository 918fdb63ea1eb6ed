import Fastify, { type FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { type Logger, silentLogger } from '#protocol'
import { type CandidatesSnapshot, registerCandidateRoutes } from './candidates.js'
import { type CompetitionsSnapshot, registerCompetitionRoutes } from './competitions.js'
import { HealthError } from './errors.js'
import { type HealthRelayInit, registerRelayRoute } from './relay.js'
import { type HealthReport, type HealthStatus, healthReport } from './status.js'

/** Options of {@link createHealthServer}. */
export interface HealthServerInit {
  /** TCP port; 0 picks a free one. */
  port: number
  /** Listen address. @default '127.0.0.1' (Prometheus scrapes locally or through a proxy) */
  host?: string
  /** The register whose metrics `/metrics` exposes (the node's `getNodeMetrics(register)`). */
  metricsRegister: Registry
  /** The node's current state; called per `/health` request. */
  status: () => HealthStatus | Promise<HealthStatus>
  /** The node's full status (queue, peers, weights…), served as JSON at `GET /status` when given. */
  details?: () => unknown
  /**
   * Owner-signed messages handed in over HTTP at `POST /v1/relay`, validated like gossip, stored and
   * published (`kinitro competition publish`). Absent: no relay route.
   */
  relay?: HealthRelayInit
  /** The node's competitions, served at `GET /v1/competitions` (`kinitro competition list`). */
  competitions?: () => CompetitionsSnapshot
  /**
   * A competition's leader candidates as the node scores them now, served at
   * `GET /v1/competitions/:id/candidates` (`kinitro competition candidates|approve`); undefined = unknown id.
   */
  candidates?: (id: string) => Promise<CandidatesSnapshot | undefined>
  /** @default silentLogger */
  logger?: Logger
}

/** The health and metrics HTTP server. */
export interface HealthServer {
  /** Listen. Idempotent. @throws {@link HealthError} `NODE_HEALTH_LISTEN_FAILED` */
  start(): Promise<void>
  /** Close the listener. Idempotent. */
  stop(): Promise<void>
  isStarted(): boolean
  /** `http://host:port` once started. */
  readonly url: string | undefined
}

const reportSchema = {
  type: 'object',
  required: ['healthy', 'reasons', 'chainConnected', 'meshPeers', 'synced'],
  additionalProperties: false,
  properties: {
    healthy: { type: 'boolean' },
    reasons: { type: 'array', items: { type: 'string' } },
    chainConnected: { type: 'boolean' },
    meshPeers: { type: 'integer', minimum: 0 },
    synced: { type: 'boolean' },
  },
} as const

/** The Fastify app, without listening (tests may `inject`). */
export function buildHealthApp(
  init: Pick<
    HealthServerInit,
    'metricsRegister' | 'status' | 'logger' | 'details' | 'relay' | 'competitions' | 'candidates'
  >,
): FastifyInstance {
  const log = (init.logger ?? silentLogger).child('node:health')
  const app = Fastify({ logger: false })
  app.get('/health', { schema: { response: { 200: reportSchema, 503: reportSchema } } }, async (_req, reply) => {
    let report: HealthReport
    try {
      report = healthReport(await init.status())
    } catch (err) {
      // A status source that throws is itself a finding: report it rather than a 500.
      log.warn('health status failed', {}, err)
      report = { healthy: false, reasons: ['status-unavailable'], chainConnected: false, meshPeers: 0, synced: false }
    }
    return reply.code(report.healthy ? 200 : 503).send(report)
  })
  app.get('/metrics', { schema: { response: { 200: { type: 'string' } } } }, async (_req, reply) => {
    const text = await init.metricsRegister.metrics()
    return reply.type(init.metricsRegister.contentType).send(text)
  })
  const details = init.details
  if (details !== undefined) {
    app.get('/status', { schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () =>
      details(),
    )
  }
  if (init.competitions !== undefined) registerCompetitionRoutes(app, init.competitions)
  if (init.candidates !== undefined) registerCandidateRoutes(app, init.candidates)
  if (init.relay !== undefined) {
    registerRelayRoute(app, {
      ...init.relay,
      logger: log,
      ...(init.competitions ? { competitions: init.competitions } : {}),
    })
  }
  return app
}

/**
 * `GET /health` (200 when healthy, 503 with the reasons otherwise) and `GET /metrics` (Prometheus text)
 * over Fastify (issue 6 item 5); with `relay` and `competitions`, the owner tools' `POST /v1/relay` and
 * `GET /v1/competitions` (issue 9).
 *
 * @example
 * ```ts
 * const server = createHealthServer({ port: 9100, metricsRegister: register, status: () => node.health() })
 * await server.start()
 * ```
 */
export function createHealthServer(init: HealthServerInit): HealthServer {
  const host = init.host ?? '127.0.0.1'
  if (!Number.isInteger(init.port) || init.port < 0 || init.port > 65535)
    throw new HealthError({ code: 'NODE_HEALTH_BAD_OPTIONS', field: 'port' }, `port ${init.port} is not a TCP port`)
  if (host === '') throw new HealthError({ code: 'NODE_HEALTH_BAD_OPTIONS', field: 'host' }, 'host is empty')
  const log = (init.logger ?? silentLogger).child('node:health')
  let app: FastifyInstance | undefined
  let url: string | undefined
  let starting: Promise<void> | undefined
  return {
    get url() {
      return url
    },
    isStarted: () => app !== undefined,
    start() {
      starting ??= (async () => {
        const a = buildHealthApp(init)
        try {
          const address = await a.listen({ port: init.port, host })
          url = address.replace('[::1]', '127.0.0.1')
          app = a
          log.info('health server listening', { url })
        } catch (err) {
          await a.close()
          starting = undefined
          throw new HealthError(
            { code: 'NODE_HEALTH_LISTEN_FAILED', host, port: init.port },
            `health server cannot listen on ${host}:${init.port}`,
            { cause: err },
          )
        }
      })()
      return starting
    },
    async stop() {
      await starting?.catch(() => {})
      const a = app
      app = undefined
      url = undefined
      starting = undefined
      if (a !== undefined) await a.close()
    },
  }
}
