import { readFileSync, statSync } from 'node:fs'
import type { Logger } from '#protocol'

/**
 * The peer ids listed in `path` (one per line; blank lines and `#` comments skipped), read again only when
 * the file changes. A missing file is an empty list, so an operator can create and delete it at will.
 */
export function denyListFile(path: string, log: Logger): () => readonly string[] {
  let seen: string | undefined
  let peers: readonly string[] = []
  return () => {
    let version = 'missing'
    try {
      const st = statSync(path)
      version = `${st.mtimeMs}:${st.size}`
    } catch {}
    if (version === seen) return peers
    seen = version
    try {
      peers = version === 'missing' ? [] : parseDenyList(readFileSync(path, 'utf8'))
    } catch (err) {
      log.warn('deny file unreadable; keeping the previous list', { path, err: String(err) })
    }
    return peers
  }
}

export function parseDenyList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/u, '').trim())
    .filter((l) => l !== '')
}
