/** The node's health and Prometheus metrics endpoint (issue 6 item 5). */
export type { HealthErrorCode, HealthErrorMeta } from './errors.js'
export { HEALTH_ERROR_CODES, HEALTH_ERROR_FIXES, HealthError } from './errors.js'
export type { HealthServer, HealthServerInit } from './server.js'
export { buildHealthApp, createHealthServer } from './server.js'
export type { HealthReport, HealthStatus } from './status.js'
export { healthReport } from './status.js'
