import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { create } from 'tar'

/** A packed policy: gzipped tar bytes and their SHA-256 (lower-case hex), what a commitment names. */
export interface PackedPolicy {
  bytes: Buffer
  sha256: string
  files: string[]
}

function walk(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === '.git' || name === 'node_modules' || name === '__pycache__') continue
    const full = join(dir, name)
    const st = statSync(full)
    if (st.isDirectory()) walk(root, full, out)
    else if (st.isFile()) out.push(relative(root, full).split(sep).join('/'))
  }
}

/**
 * Pack a policy folder reproducibly: files sorted, mtimes fixed, owner and mode normalised, no gzip
 * timestamp. The same folder gives the same bytes (and SHA-256) on every machine, so a miner's
 * commitment can be checked by anyone who has the source.
 */
export async function packPolicyDir(dir: string): Promise<PackedPolicy> {
  const files: string[] = []
  walk(dir, dir, files)
  const chunks: Buffer[] = []
  const stream = create(
    { cwd: dir, gzip: { level: 9 }, portable: true, noDirRecurse: true, mtime: new Date(0), prefix: '' },
    files,
  )
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c)
  const bytes = Buffer.concat(chunks)
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), files }
}
