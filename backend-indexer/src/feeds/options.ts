import type { Registry } from 'prom-client'
import type { Logger } from '#protocol'
import {
  DEFAULT_BUFFER_BYTES,
  DEFAULT_BUFFER_FRAMES,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_HISTORY_EVENTS,
  DEFAULT_MAX_SUBSCRIPTIONS,
} from './constants.js'
import { FeedError } from './errors.js'
import type { SnapshotProvider } from './types.js'

/** The numeric settings of a feed hub. Plain data (survives `structuredClone`). */
export interface FeedHubOptions {
  /** Period of `{type:'heartbeat'}` frames, ms. @default DEFAULT_HEARTBEAT_MS (15000) */
  heartbeatMs: number
  /** Frames a client may have waiting before it is closed as a slow consumer. @default DEFAULT_BUFFER_FRAMES (2000) */
  bufferFrames: number
  /** Bytes a client may have waiting (hub queue + socket buffer). @default DEFAULT_BUFFER_BYTES (1 MiB) */
  bufferBytes: number
  /** Events kept for `resume`. @default DEFAULT_HISTORY_EVENTS (10000) */
  historyEvents: number
  /** Subscriptions per connection. @default DEFAULT_MAX_SUBSCRIPTIONS (32) */
  maxSubscriptions: number
}

/** The defaults of {@link FeedHubOptions}. */
export const defaultFeedHubOptions: Readonly<FeedHubOptions> = Object.freeze({
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  bufferFrames: DEFAULT_BUFFER_FRAMES,
  bufferBytes: DEFAULT_BUFFER_BYTES,
  historyEvents: DEFAULT_HISTORY_EVENTS,
  maxSubscriptions: DEFAULT_MAX_SUBSCRIPTIONS,
})

/** What {@link createFeedHub} takes: the snapshot source, optional seams, and any {@link FeedHubOptions}. */
export interface FeedHubInit extends Partial<FeedHubOptions> {
  /** Builds the snapshot a new subscriber receives (e.g. the latest 50 results of a channel). */
  snapshot: SnapshotProvider
  /** @default silentLogger */
  logger?: Logger
  /** Where `kinitro_indexer_feed_*` metrics are registered. @default undefined (no metrics) */
  metricsRegister?: Registry
}

/**
 * Fill defaults and check every number.
 * @throws {@link FeedError} `INDEXER_FEED_BAD_OPTIONS` naming the first bad field
 */
export function resolveFeedHubOptions(init: Partial<FeedHubOptions>): FeedHubOptions {
  const out = { ...defaultFeedHubOptions }
  for (const key of Object.keys(defaultFeedHubOptions) as (keyof FeedHubOptions)[]) {
    const value = init[key]
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new FeedError({ code: 'INDEXER_FEED_BAD_OPTIONS', field: key, value }, `${key} must be a positive integer`)
    }
    out[key] = value
  }
  return out
}
