import { KinitroError } from '#protocol'

/** What the operator should do about each dashboard code; `README.md` here mirrors it ("Errors"). */
export const DASHBOARD_ERROR_FIXES = {
  INDEXER_DASHBOARD_ASSETS_MISSING:
    'the page files are not beside the code: run `npm run build` (scripts/copy-assets.mjs copies them into dist/) or pass a valid assetsDir',
} as const

/** One dashboard error code. */
export type DashboardErrorCode = keyof typeof DASHBOARD_ERROR_FIXES

/** Every code a {@link DashboardError} can carry. */
export const DASHBOARD_ERROR_CODES = Object.keys(DASHBOARD_ERROR_FIXES) as readonly DashboardErrorCode[]

export type DashboardErrorMeta = { code: 'INDEXER_DASHBOARD_ASSETS_MISSING'; dir: string; file: string }

/** Errors of the dashboard plugin (raised while the app is built, never per request). */
export class DashboardError extends KinitroError<DashboardErrorMeta> {}
