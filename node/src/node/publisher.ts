import { isTopicName, type Logger, type MessageType, Topic, type TopicName } from '#protocol'
import type { Store } from '../store/index.js'

/** Drains the outbox into gossip; a message stays queued until a publish reaches at least one peer. */
export interface Publisher {
  start(): void
  /** Publish now instead of at the next poll. */
  wake(): void
  stop(): Promise<void>
}

export interface PublisherInit {
  store: Store
  publish: (type: MessageType, envelope: Uint8Array) => Promise<string[]>
  logger: Logger
  /** Poll interval when idle. @default 500 */
  pollMs?: number
  /** Hold-back after a failed publish (no peers yet, mesh forming). @default 1000 */
  retryMs?: number
  /** Messages per round. @default 64 */
  batch?: number
}

export function createPublisher(init: PublisherInit): Publisher {
  const log = init.logger.child('node:publisher')
  const pollMs = init.pollMs ?? 500
  const retryMs = init.retryMs ?? 1000
  let running = false
  let loop: Promise<void> | undefined
  let wakeUp: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined

  async function round(): Promise<number> {
    const items = init.store.outbox.pending(init.batch ?? 64)
    for (const item of items) {
      if (!running) break
      if (!isTopicName(item.topic)) {
        init.store.outbox.markFailed(item.id, new Error(`unknown topic ${item.topic}`), { retryMs: 3_600_000 })
        continue
      }
      const type = Topic[item.topic as TopicName]
      try {
        const peers = await init.publish(type, item.envelope)
        if (peers.length === 0) throw new Error('no peer subscribed to the topic')
        init.store.outbox.markSent(item.id)
      } catch (err) {
        init.store.outbox.markFailed(item.id, err, { retryMs })
        log.debug('publish deferred', { topic: item.topic, attempts: item.attempts + 1, error: String(err) })
      }
    }
    return items.length
  }

  async function run(): Promise<void> {
    while (running) {
      let n = 0
      try {
        n = await round()
      } catch (err) {
        log.warn('outbox round failed', {}, err)
      }
      if (!running) break
      if (n === 0 || init.store.outbox.pending(1).length === 0) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve
          timer = setTimeout(resolve, pollMs)
        })
        clearTimeout(timer)
        wakeUp = undefined
      }
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    wake: () => wakeUp?.(),
    async stop() {
      running = false
      wakeUp?.()
      await loop
    },
  }
}
