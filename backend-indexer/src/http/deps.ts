import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from '#protocol'
import type { ObserverView } from '../observer/types.js'
import type { ReplaySource } from '../replay/types.js'
import type { ScoresView } from '../scores/types.js'
import type { IndexerStore } from '../store/types.js'

/** What routes read from: the store, the scores, and (when running on the mesh) the observer and replays. */
export interface ApiDeps {
  store: IndexerStore
  scores: ScoresView
  observer: ObserverView | undefined
  replays: ReplaySource | undefined
  /** Reported by `/health`. */
  version: string
  /** The API's logger (component `indexer:api`). */
  log: Logger
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The indexer's read side, decorated once by {@link depsPlugin} and shared by every route plugin. */
    indexer: ApiDeps
  }
}

/** Decorate the app with {@link ApiDeps} (fastify-plugin, so the decoration is visible to every plugin). */
export const depsPlugin = fp<ApiDeps>(
  async (app: FastifyInstance, deps) => {
    app.decorate('indexer', {
      store: deps.store,
      scores: deps.scores,
      observer: deps.observer,
      replays: deps.replays,
      version: deps.version,
      log: deps.log,
    })
  },
  { name: 'kinitro-indexer-deps', fastify: '5.x' },
)
