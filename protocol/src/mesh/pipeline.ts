import type { OpenedMessage } from '../envelope/envelope.js'
import type { Logger } from '../logger.js'
import { TOPIC_NAMES, type TopicName } from '../messages/topics.js'
import { DEFAULT_TOPIC_QUEUES, MAX_CONNECTIONS, PEER_RATE, type TopicQueueOptions } from './constants.js'
import type { MeshMetrics } from './metrics.js'
import { createTokenBucket } from './sync/rate-limit.js'
import { type GossipResult, verdictOf } from './validate.js'

/** One gossip message waiting for validation. */
export interface GossipItem {
  topic: TopicName
  data: Uint8Array
  /** gossipsub's msgId string (hex of the content hash). */
  msgId: string
  /** Peer id string of the peer that forwarded it to us. */
  from: string
}

/** A message that passed every check, handed to the node before it is forwarded. */
export interface AcceptedGossip {
  topic: TopicName
  message: OpenedMessage
  /** The envelope bytes exactly as received (their SHA-256 is `message.id`). */
  bytes: Uint8Array
  from: string
}

/** The node's semantic checks; throw a `ValidationError` to ignore or reject. */
export type SemanticsHook = (message: OpenedMessage, topic: TopicName) => void | Promise<void>

/** Inputs of {@link createValidationPipeline}. */
export interface ValidationPipelineInit {
  /** Protocol checks (`validateGossip` over the node's current view). */
  validate: (topic: TopicName, data: Uint8Array) => OpenedMessage
  semantics?: SemanticsHook
  /** Store the message; Accept is reported (and the message forwarded) only after this resolves. */
  onAccepted: (msg: AcceptedGossip) => void | Promise<void>
  /** Tell gossipsub the verdict (reportMessageValidationResult). */
  report: (msgId: string, from: string, result: GossipResult) => void
  /** Per-topic overrides of {@link DEFAULT_TOPIC_QUEUES}. */
  queues?: Partial<Record<TopicName, Partial<TopicQueueOptions>>>
  /**
   * Messages per second each delivering peer may push, with a burst; past it a message is dropped before
   * validation (`MESH_RATE_LIMITED`, ignore). `false` turns the limit off (benchmarks).
   * @default PEER_RATE
   */
  peerRate?: { burst: number; perSecond: number } | false
  logger: Logger
  metrics?: MeshMetrics
}

/** The gossip validation pipeline: per-topic bounded queues feeding the one validation adapter. */
export interface ValidationPipeline {
  /** Queue a message; returns how many waiting messages were dropped to make room (0 or 1). */
  push(item: GossipItem): number
  /** Waiting items per topic. */
  size(topic: TopicName): number
  /** Items being validated or stored right now. */
  inFlight(): number
  start(): void
  /** Drops waiting items (reported Ignore); items in flight finish. */
  stop(): void
}

/**
 * Create the pipeline. Each topic has its own queue and concurrency, so a flood of results cannot starve
 * peer records. When a queue is full the oldest waiting item is dropped (Lodestar gossipQueues): it is
 * the least useful, and catch-up sync recovers anything that mattered.
 */
export function createValidationPipeline(init: ValidationPipelineInit): ValidationPipeline {
  const log = init.logger
  const metrics = init.metrics
  const opts = Object.fromEntries(
    TOPIC_NAMES.map((t) => [t, { ...DEFAULT_TOPIC_QUEUES[t], ...init.queues?.[t] }]),
  ) as Record<TopicName, TopicQueueOptions>
  const queues = Object.fromEntries(TOPIC_NAMES.map((t) => [t, [] as GossipItem[]])) as Record<TopicName, GossipItem[]>
  const running = Object.fromEntries(TOPIC_NAMES.map((t) => [t, 0])) as Record<TopicName, number>
  const scheduled = new Set<TopicName>()
  let started = false
  const rate = init.peerRate ?? PEER_RATE
  // The gater bounds connected peers; twice the cap covers peers that left with a bucket still held.
  const buckets = rate === false ? undefined : createTokenBucket({ ...rate, maxPeers: 2 * MAX_CONNECTIONS })

  const report = (item: GossipItem, result: GossipResult): void => {
    metrics?.validationTotal.inc({ topic: item.topic, result })
    try {
      init.report(item.msgId, item.from, result)
    } catch (err) {
      log.debug('gossip report failed', { topic: item.topic, err: String(err) })
    }
  }

  const process = async (item: GossipItem): Promise<void> => {
    let result: GossipResult
    try {
      const message = init.validate(item.topic, item.data)
      await init.semantics?.(message, item.topic)
      await init.onAccepted({ topic: item.topic, message, bytes: item.data, from: item.from })
      result = 'accept'
    } catch (err) {
      const v = verdictOf(err)
      result = v.result
      metrics?.validationErrorTotal.inc({ code: v.code })
      if (v.code === 'internal')
        log.debug('gossip ignored after unexpected error', { topic: item.topic, err: String(err) })
      else log.debug('gossip not accepted', { topic: item.topic, code: v.code, result, from: item.from })
    }
    report(item, result)
  }

  const pump = (topic: TopicName): void => {
    scheduled.delete(topic)
    const q = queues[topic]
    const o = opts[topic]
    while (started && running[topic] < o.concurrency && q.length > 0) {
      const item = (o.order === 'lifo' ? q.pop() : q.shift()) as GossipItem
      running[topic]++
      void process(item).finally(() => {
        running[topic]--
        metrics?.queueLength.set({ topic }, q.length)
        pump(topic)
      })
    }
    metrics?.queueLength.set({ topic }, q.length)
  }

  return {
    push(item) {
      if (!started) {
        report(item, 'ignore')
        return 0
      }
      // Before the queue: a flood must cost neither validation nor a queue slot an honest message needs.
      if (buckets !== undefined && !buckets.take(item.from)) {
        metrics?.validationErrorTotal.inc({ code: 'MESH_RATE_LIMITED' })
        log.debug('gossip not accepted', {
          topic: item.topic,
          code: 'MESH_RATE_LIMITED',
          result: 'ignore',
          from: item.from,
        })
        report(item, 'ignore')
        return 0
      }
      const q = queues[item.topic]
      let dropped = 0
      const max = opts[item.topic].maxLength
      if (q.length >= (typeof max === 'number' ? max : max())) {
        const old = q.shift() as GossipItem
        dropped = 1
        metrics?.queueDroppedTotal.inc({ topic: item.topic })
        report(old, 'ignore')
      }
      q.push(item)
      metrics?.queueLength.set({ topic: item.topic }, q.length)
      // Validate on a later macrotask, not inside gossipsub's event dispatch (Lodestar #5604: long
      // synchronous chains there lagged the event loop).
      if (!scheduled.has(item.topic)) {
        scheduled.add(item.topic)
        setImmediate(() => pump(item.topic))
      }
      return dropped
    },
    size: (topic) => queues[topic].length,
    inFlight: () => TOPIC_NAMES.reduce((n, t) => n + running[t], 0),
    start() {
      started = true
    },
    stop() {
      if (!started) return
      started = false
      for (const t of TOPIC_NAMES) {
        for (const item of queues[t].splice(0)) report(item, 'ignore')
        metrics?.queueLength.set({ topic: t }, 0)
      }
    },
  }
}
