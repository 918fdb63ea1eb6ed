import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'

/** A pass-through that hashes (SHA-256) and counts what flows through it; read the totals after the pipeline. */
export function digestStream(): { stream: Transform; sha256(): string; size(): number } {
  const hash = createHash('sha256')
  let size = 0
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk)
      size += chunk.length
      cb(null, chunk)
    },
  })
  return { stream, sha256: () => hash.digest('hex'), size: () => size }
}
