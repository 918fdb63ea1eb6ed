import type { FastifyPluginAsync } from 'fastify'
import { competitionRoutes } from './competitions.js'
import { episodeRoutes } from './episodes.js'
import { explainRoutes } from './explain.js'
import { healthRoutes } from './health.js'
import { jobRoutes } from './jobs.js'
import { leaderboardRoutes } from './leaderboard.js'
import { minerRoutes } from './miners.js'
import { openapiRoutes } from './openapi.js'
import { resultRoutes } from './results.js'
import { validatorRoutes } from './validators.js'
import { weightsRoutes } from './weights.js'

/** Every REST route plugin, one per resource; each reads `app.indexer` (see `http/deps.ts`). */
export const API_ROUTE_PLUGINS = [
  healthRoutes,
  openapiRoutes,
  competitionRoutes,
  leaderboardRoutes,
  minerRoutes,
  explainRoutes,
  jobRoutes,
  resultRoutes,
  episodeRoutes,
  validatorRoutes,
  weightsRoutes,
] as const

/** Register every REST route. */
export const apiRoutes: FastifyPluginAsync = async (app) => {
  for (const plugin of API_ROUTE_PLUGINS) await app.register(plugin)
}
