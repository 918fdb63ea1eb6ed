import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { Pack, Parser, type ReadEntry } from 'tar'

/** Bytes and SHA-256 (lower-case hex) of a written archive. */
export interface ArchiveDigest {
  sha256: string
  bytes: number
}

/** One entry read back from an archive. */
export interface ArchiveEntry {
  path: string
  type: string
  bytes: number
  sha256: string
}

/**
 * Settings that make the archive a function of the files' paths, contents and executable bits only:
 * `portable` drops owner, group, atime and ctime, normalises modes to the 022 umask and zeroes the gzip OS
 * byte; every mtime is the epoch; the gzip header carries no time; files are added in the caller's order
 * and folders are not entries. zlib output can in principle change with the zlib build, so the manifest
 * also records every file's own SHA-256, which no compressor can change.
 */
const PACK_OPTIONS = {
  gzip: { level: 9 },
  portable: true,
  noDirRecurse: true,
  mtime: new Date(0),
  prefix: '',
  strict: true,
} as const

function hashing(digest: ArchiveDigest, hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      digest.bytes += chunk.length
      done(null, chunk)
    },
  })
}

/**
 * Writes `paths` (relative to `root`, already in archive order) as a gzip tar to `outFile`, hashing the bytes
 * as they are written. Uses tar's `Pack` directly: `create()` would read a path starting with `@` as another
 * archive to append.
 */
export async function writeArchive(root: string, paths: readonly string[], outFile: string): Promise<ArchiveDigest> {
  const pack = new Pack({ ...PACK_OPTIONS, cwd: root })
  const hash = createHash('sha256')
  const digest: ArchiveDigest = { sha256: '', bytes: 0 }
  const done = pipeline(pack as unknown as NodeJS.ReadableStream, hashing(digest, hash), createWriteStream(outFile))
  for (const path of paths) pack.add(path)
  pack.end()
  await done
  digest.sha256 = hash.digest('hex')
  return digest
}

/**
 * Reads an archive back: every entry with its size and SHA-256, and the size of the decompressed tar stream
 * (what the validators' inflation cap measures). The manifest is built from this, so it describes exactly the
 * bytes that were written, not the files as they were a moment before.
 */
export async function readArchive(file: string): Promise<{ entries: ArchiveEntry[]; tarBytes: number }> {
  const entries: ArchiveEntry[] = []
  const reading: Promise<void>[] = []
  const parser = new Parser({ strict: true })
  parser.on('entry', (entry: ReadEntry) => {
    const hash = createHash('sha256')
    let bytes = 0
    entry.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      bytes += chunk.length
    })
    reading.push(
      new Promise((resolve) =>
        entry.on('end', () => {
          entries.push({ path: entry.path, type: entry.type, bytes, sha256: hash.digest('hex') })
          resolve()
        }),
      ),
    )
  })
  const tar: ArchiveDigest = { sha256: '', bytes: 0 }
  const closed = new Promise<void>((resolve, reject) => {
    parser.on('close', () => resolve())
    parser.on('error', reject)
  })
  await pipeline(
    createReadStream(file),
    createGunzip(),
    hashing(tar, createHash('sha256')),
    parser as unknown as NodeJS.WritableStream,
  )
  await closed
  await Promise.all(reading)
  return { entries, tarBytes: tar.bytes }
}
