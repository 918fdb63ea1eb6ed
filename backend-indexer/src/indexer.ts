import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import { type Chain, type Logger, type NodeKey, silentLogger, ss58FromPublicKey } from '#protocol'
import { buildApp, type RateLimitInit } from './app.js'
import { createFeedHub } from './feeds/index.js'
import type { FeedHub } from './feeds/types.js'
import { feedEventOf } from './observer/events.js'
import { createObserver, type Observer } from './observer/observer.js'
import type { ReplaySource } from './replay/types.js'
import { createScores, type Scores } from './scores/service.js'
import type { ScoreSnapshot } from './scores/types.js'
import type { IndexerStore } from './store/types.js'

/** Everything an indexer is made of; `kinitro indexer run` builds these from config, tests directly. */
export interface IndexerInit {
  chain: Chain
  nodeKey: NodeKey
  store: IndexerStore
  mesh?: { listen?: readonly string[]; bootstrap?: readonly string[]; peerRecords?: readonly Uint8Array[] }
  /** @default { host: '127.0.0.1', port: 0 } */
  http?: { host?: string; port?: number }
  replicas?: number
  silenceBlocks?: number
  replays?: ReplaySource
  rateLimit?: RateLimitInit | false
  cors?: { origin: string }
  /** Serve the dashboard. @default true */
  dashboard?: boolean
  version?: string
  logger?: Logger
  register?: Registry
}

/** A running indexer: observer → store → scores → REST, feed and dashboard. */
export interface Indexer {
  start(): Promise<void>
  stop(): Promise<void>
  /** `http://host:port` once started. */
  url(): string
  observer: Observer
  scores: Scores
  hub: FeedHub
  app(): FastifyInstance
}

/** The snapshot part of a score update sent on the `scores` channel (the full output is at /v1/leaderboard). */
function scoresEvent(s: ScoreSnapshot) {
  return {
    block: s.block,
    computedAt: s.computedAt,
    inputsDigest: s.output.inputsDigest,
    competitions: s.competitions.map((c) => ({ ...c, details: undefined })),
  }
}

/**
 * Compose the indexer (design §9). It holds no state the mesh needs: stopping it changes nothing for
 * validators, and on restart it replays its store and catches up from the mesh.
 */
export function createIndexer(init: IndexerInit): Indexer {
  const log = (init.logger ?? silentLogger).child('indexer')
  const register = init.register ?? new Registry()
  const { store } = init
  let app: FastifyInstance | undefined
  let address = ''

  // Created first so the observer can publish; its snapshots read the store and scores lazily.
  const hub: FeedHub = createFeedHub({
    logger: log,
    metricsRegister: register,
    snapshot: async (channel) => {
      if (channel === 'results') return (await store.results({ limit: 50 })).items
      if (channel === 'jobs') return (await store.jobs({ limit: 50 })).items
      if (channel === 'validators') return await store.validators()
      if (channel === 'scores') {
        const s = scores.current()
        return s === undefined ? null : scoresEvent(s)
      }
      if (channel.startsWith('competition:')) {
        const id = channel.slice('competition:'.length)
        return {
          competition: (await store.competition(id)) ?? null,
          standing: scores.current()?.competitions.find((c) => c.id === id) ?? null,
          results: (await store.results({ competitionId: id, limit: 50 })).items,
        }
      }
      if (channel.startsWith('miner:')) {
        const hotkey = channel.slice('miner:'.length)
        return {
          results: (await store.results({ minerHotkey: hotkey, limit: 50 })).items,
          jobs: (await store.jobs({ minerHotkey: hotkey, limit: 20 })).items,
        }
      }
      return null
    },
  })

  const observer: Observer = createObserver({
    chain: init.chain,
    nodeKey: init.nodeKey,
    store,
    ...(init.mesh === undefined ? {} : { mesh: init.mesh }),
    ...(init.replicas === undefined ? {} : { replicas: init.replicas }),
    ...(init.silenceBlocks === undefined ? {} : { silenceBlocks: init.silenceBlocks }),
    logger: log,
    register,
    onIndexed: (rows) => {
      const book = observer.book()
      for (const row of rows) {
        const event = feedEventOf(row, (jobId) => {
          const a = book.get(jobId)?.announcement
          return a === undefined
            ? undefined
            : { competitionId: a.competitionId, minerHotkey: ss58FromPublicKey(a.minerHotkey) }
        })
        if (event !== undefined) hub.publish(event)
      }
    },
    onScoringInput: () => scores.invalidate(),
  })

  const scores: Scores = createScores({
    chain: init.chain,
    manifests: () => observer.manifests().all(),
    metagraph: () => observer.metagraph(),
    head: () => observer.head(),
    results: () => observer.results(),
    ownerActions: () => observer.ownerActions(),
    settle: () => observer.flush(),
    logger: log,
  })
  scores.onUpdate((s) => hub.publish({ kind: 'scores', data: scoresEvent(s), channels: ['scores'] }))

  return {
    async start() {
      await store.migrate()
      await observer.start()
      scores.invalidate()
      app = await buildApp({
        store,
        scores,
        observer,
        feed: hub,
        ...(init.replays === undefined ? {} : { replays: init.replays }),
        ...(init.rateLimit === undefined ? {} : { rateLimit: init.rateLimit }),
        ...(init.cors === undefined ? {} : { cors: init.cors }),
        dashboard: init.dashboard ?? true,
        logger: log,
        metricsRegister: register,
        ...(init.version === undefined ? {} : { version: init.version }),
      })
      address = await app.listen({ host: init.http?.host ?? '127.0.0.1', port: init.http?.port ?? 0 })
      log.info('indexer listening', { url: address, store: store.kind })
    },
    async stop() {
      scores.stop()
      await app?.close()
      await hub.close()
      await observer.stop()
      const replays = init.replays as (ReplaySource & { close?: () => Promise<void> }) | undefined
      await replays?.close?.()
      await store.close()
      log.info('indexer stopped', {})
    },
    url: () => address,
    observer,
    scores,
    hub,
    app: () => app as FastifyInstance,
  }
}
