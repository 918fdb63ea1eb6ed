/** The live dashboard page served by the indexer app (design §9). */
export type { DashboardAsset } from './assets.js'
export { DEFAULT_ASSETS_DIR, loadAssets } from './assets.js'
export type { DashboardErrorCode, DashboardErrorMeta } from './errors.js'
export { DASHBOARD_ERROR_CODES, DASHBOARD_ERROR_FIXES, DashboardError } from './errors.js'
export type { DashboardInit } from './plugin.js'
export { dashboardPlugin } from './plugin.js'
