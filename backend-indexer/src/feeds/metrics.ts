import { Counter, Gauge, type Registry } from 'prom-client'
import { CHANNEL_KINDS, type ChannelKind } from './channels.js'
import { FEED_ERROR_CODES } from './errors.js'
import { FEED_EVENT_KINDS } from './events.js'

/** Read at scrape time from the hub, so gauges are never stale. */
export interface FeedGaugeSource {
  clients(): number
  subscriptions(): Record<ChannelKind, number>
}

/**
 * The feed's Prometheus metrics (style.md §9): `kinitro_indexer_feed_*`, labels from closed sets only
 * (event kind, channel kind, error code; never a channel name, which carries a hotkey).
 *
 * @example
 * ```ts
 * const register = new Registry()
 * const hub = createFeedHub({ snapshot, metricsRegister: register })
 * ```
 */
export function getFeedMetrics(register: Registry) {
  let source: FeedGaugeSource | undefined
  new Gauge({
    name: 'kinitro_indexer_feed_clients',
    help: 'WebSocket clients connected to /v1/feed',
    registers: [register],
    collect() {
      if (source !== undefined) this.set(source.clients())
    },
  })
  new Gauge<'channel'>({
    name: 'kinitro_indexer_feed_subscriptions',
    help: 'Live subscriptions by channel kind',
    labelNames: ['channel'],
    registers: [register],
    collect() {
      const subs = source?.subscriptions()
      if (subs === undefined) return
      for (const k of CHANNEL_KINDS) this.set({ channel: k }, subs[k])
    },
  })
  const published = new Counter<'kind'>({
    name: 'kinitro_indexer_feed_events_published_total',
    help: 'Events published to the hub by kind',
    labelNames: ['kind'],
    registers: [register],
  })
  const clientErrors = new Counter<'code'>({
    name: 'kinitro_indexer_feed_client_errors_total',
    help: 'Error frames sent to clients by code',
    labelNames: ['code'],
    registers: [register],
  })
  // Zero every label value up front so dashboards show flat lines rather than gaps.
  for (const k of FEED_EVENT_KINDS) published.inc({ kind: k }, 0)
  for (const c of FEED_ERROR_CODES) if (c.startsWith('API_')) clientErrors.inc({ code: c }, 0)
  return {
    /** Install the hub as the source of the gauges. */
    observe(s: FeedGaugeSource): void {
      source = s
    },
    published,
    clientErrors,
    framesDelivered: new Counter({
      name: 'kinitro_indexer_feed_frames_delivered_total',
      help: 'Frames written to client sockets (events, snapshots, heartbeats, replies)',
      registers: [register],
    }),
    bytesDelivered: new Counter({
      name: 'kinitro_indexer_feed_bytes_delivered_total',
      help: 'Bytes of WebSocket frames written to client sockets',
      registers: [register],
    }),
    slowConsumerDrops: new Counter({
      name: 'kinitro_indexer_feed_slow_consumer_drops_total',
      help: 'Clients closed with 1013 for exceeding their buffer bound',
      registers: [register],
    }),
    resyncs: new Counter({
      name: 'kinitro_indexer_feed_resyncs_total',
      help: 'Resumes the history ring could not serve (resync_required sent)',
      registers: [register],
    }),
  }
}

export type FeedMetrics = ReturnType<typeof getFeedMetrics>
