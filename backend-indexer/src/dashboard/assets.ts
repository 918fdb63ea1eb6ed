import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One file of the page, read once at startup. */
export interface DashboardAsset {
  body: Buffer
  /** `Content-Type` header value. */
  type: string
  /** Strong ETag: a digest of the bytes, so a redeploy invalidates browser caches. */
  etag: string
}

/** The folder the page's files live in: beside this module in the source tree and in `dist/` alike. */
export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url))

// Only these extensions are served; anything else in the folder (notes, editor backups) stays private.
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

/**
 * Read every servable file under `dir` into memory, keyed by its `/`-separated path relative to `dir`
 * (`js/main.js`). The page is a few dozen kilobytes; holding it in memory means a request can only ever
 * name a key of this map, so no URL reaches the file system.
 */
export function loadAssets(dir: string = DEFAULT_ASSETS_DIR): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>()
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name)
      if (statSync(path).isDirectory()) {
        walk(path)
        continue
      }
      const type = CONTENT_TYPES[extname(name)]
      if (type === undefined) continue
      const body = readFileSync(path)
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
      assets.set(relative(dir, path).split(sep).join('/'), { body, type, etag })
    }
  }
  walk(dir)
  return assets
}
