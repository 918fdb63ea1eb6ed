import { createReadStream, createWriteStream, mkdirSync } from 'node:fs'
import { chmod, open as openFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { Parser, type ReadEntry } from 'tar'
import { type FetchError, fetchError } from './errors.js'

/** Bounds of {@link safeUnpack}. */
export interface UnpackLimits {
  /** Sum of file sizes. */
  maxUnpackedBytes: number
  /** Files plus directories. */
  maxFiles: number
}

/** What an unpack produced. */
export interface UnpackStats {
  files: number
  unpackedBytes: number
}

/** The only entry types written; everything else (links, devices, FIFOs, sparse files) rejects the archive. */
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile'])

/**
 * Tar framing around the data: a 512-byte header per entry (plus long-name/pax headers) and padding. The
 * decompressed stream may exceed the declared file sizes by this much before it counts as a bomb.
 */
const TAR_OVERHEAD_PER_ENTRY = 3 * 512
const TAR_OVERHEAD_FIXED = 64 * 1024

/**
 * Unpacks a `.tar.gz` (or plain `.tar`) into `dest`, an empty directory, refusing anything unsafe instead of
 * skipping it: a miner's archive with a symlink is a broken archive, not one to run partially.
 *
 * - only regular files and directories; symlinks, hardlinks, devices and FIFOs reject the archive;
 * - no absolute paths, drive letters, backslashes or `..` segments (a leading `./` is fine);
 * - total declared and written file bytes ≤ `maxUnpackedBytes`, entries ≤ `maxFiles`, and the decompressed
 *   stream itself is capped (a gzip bomb of padding is cut off, not inflated);
 * - modes sanitised: no setuid/setgid/sticky, no group/other write, owner always read/write(/search).
 *
 * @throws {@link FetchError} `EVAL_FETCH_ARCHIVE_UNSAFE`, `EVAL_FETCH_ARCHIVE_LIMIT`, `EVAL_FETCH_ARCHIVE_CORRUPT`.
 */
export async function safeUnpack(
  archive: string,
  dest: string,
  limits: UnpackLimits,
  source: string,
  signal?: AbortSignal,
): Promise<UnpackStats> {
  const stats: UnpackStats = { files: 0, unpackedBytes: 0 }
  let failure: FetchError | undefined
  const pending: Promise<void>[] = []
  const open = new Set<Writable>()
  const modes: [string, number][] = []
  const parser = new Parser({ strict: true })
  // Promise.withResolvers is Node 22+; this runs on 20.
  let signalFailed = () => {}
  const failed = new Promise<void>((resolve) => {
    signalFailed = resolve
  })
  const done = new Promise<void>((resolve) => parser.on('close', () => resolve()))
  const fail = (err: FetchError) => {
    if (failure) return
    failure = err
    signalFailed()
    // Writers blocked on a body that will never finish would keep allSettled below waiting forever.
    for (const out of open) out.destroy()
    // tar decorates the error it is given (Object.assign of `code`), which KinitroError's getter refuses.
    parser.abort(new Error(err.message))
  }

  parser.on('entry', (entry: ReadEntry) => {
    if (failure) return entry.resume()
    try {
      const rel = entryPath(entry, source)
      if (++stats.files > limits.maxFiles) {
        throw fetchError('EVAL_FETCH_ARCHIVE_LIMIT', source, `more than ${limits.maxFiles} entries`, {
          expected: String(limits.maxFiles),
        })
      }
      if (entry.type === 'Directory') {
        if (rel !== '') mkdirSync(join(dest, rel), { recursive: true, mode: 0o700 })
        modes.push([join(dest, rel), dirMode(entry.mode)])
        return entry.resume()
      }
      if (!FILE_TYPES.has(entry.type)) {
        throw fetchError('EVAL_FETCH_ARCHIVE_UNSAFE', source, `entry ${rel} is a ${entry.type}`)
      }
      stats.unpackedBytes += entry.size
      if (stats.unpackedBytes > limits.maxUnpackedBytes) throw tooBig(source, limits)
      const target = join(dest, rel)
      mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 })
      // 'wx': a second entry with the same path is refused rather than silently replacing the first.
      const out = createWriteStream(target, { mode: 0o600, flags: 'wx' })
      open.add(out)
      out.on('error', (err) => fail(asFetchError(err, source)))
      const write = (async () => {
        entry.pipe(out)
        await finished(out)
        open.delete(out)
        modes.push([target, fileMode(entry.mode)])
      })()
      // Errors surface through fail() and allSettled below; this only keeps Node from calling them unhandled.
      write.catch(() => {})
      pending.push(write)
    } catch (err) {
      fail(asFetchError(err, source))
      entry.resume()
    }
  })
  // strict mode turns every tar warning (bad checksum, truncated body, linkpath on a file) into an error.
  parser.on('error', (err: Error) => fail(asFetchError(err, source)))

  // Small reads bound how much one compressed chunk can inflate before the cap below is checked.
  const input = createReadStream(archive, { highWaterMark: 16 * 1024 })
  try {
    const head = await readHead(archive)
    const stream: Readable = head[0] === 0x1f && head[1] === 0x8b ? input.pipe(createGunzip()) : input
    const cap = limits.maxUnpackedBytes + limits.maxFiles * TAR_OVERHEAD_PER_ENTRY + TAR_OVERHEAD_FIXED
    let inflated = 0
    let first = true
    for await (const chunk of stream) {
      signal?.throwIfAborted()
      if (failure) break
      const buf = chunk as Buffer
      // A tar inside a gzip inside the gzip would be inflated by tar itself, past our byte cap.
      if (first && buf[0] === 0x1f && buf[1] === 0x8b && stream !== input) {
        fail(fetchError('EVAL_FETCH_ARCHIVE_CORRUPT', source, 'nested compression'))
        break
      }
      first = false
      inflated += buf.length
      if (inflated > cap) {
        fail(tooBig(source, limits))
        break
      }
      if (!parser.write(buf)) {
        await Promise.race([new Promise((resolve) => parser.once('drain', resolve)), done, failed])
      }
    }
    if (!failure) {
      parser.end()
      await Promise.race([done, failed])
    }
  } catch (err) {
    if (signal?.aborted) throw fetchError('EVAL_FETCH_ABORTED', source, 'aborted during unpack', {}, err)
    fail(asFetchError(err, source))
  } finally {
    input.destroy()
  }
  const written = await Promise.allSettled(pending)
  if (failure) throw failure
  for (const r of written) if (r.status === 'rejected') throw asFetchError(r.reason, source)
  if (stats.files === 0) throw fetchError('EVAL_FETCH_ARCHIVE_CORRUPT', source, 'archive has no entries')
  // Directory modes last: a read-only directory would otherwise stop its own files being written.
  for (const [path, mode] of modes.reverse()) await chmod(path, mode)
  return stats
}

function entryPath(entry: ReadEntry, source: string): string {
  const raw = entry.path
  const unsafe = (why: string) => fetchError('EVAL_FETCH_ARCHIVE_UNSAFE', source, `path ${JSON.stringify(raw)}: ${why}`)
  if (raw.includes('\0')) throw unsafe('NUL')
  if (raw.includes('\\')) throw unsafe('backslash')
  if (raw.startsWith('/') || /^[A-Za-z]:/u.test(raw)) throw unsafe('absolute')
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) throw unsafe('".." segment')
  return segments.join('/')
}

/** No setuid/setgid/sticky; nothing writable by group or other; the owner can always read and write. */
function fileMode(mode: number | undefined): number {
  return ((mode ?? 0o644) & 0o755) | 0o600
}

function dirMode(mode: number | undefined): number {
  return ((mode ?? 0o755) & 0o755) | 0o700
}

function tooBig(source: string, limits: UnpackLimits): FetchError {
  return fetchError('EVAL_FETCH_ARCHIVE_LIMIT', source, `unpacks past ${limits.maxUnpackedBytes} bytes`, {
    expected: String(limits.maxUnpackedBytes),
  })
}

function asFetchError(err: unknown, source: string): FetchError {
  if (err instanceof Error && err.name === 'FetchError') return err as FetchError
  const reason = err instanceof Error ? err.message : String(err)
  return fetchError('EVAL_FETCH_ARCHIVE_CORRUPT', source, reason, {}, err)
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await openFile(path, 'r')
  try {
    const buf = Buffer.alloc(2)
    await fh.read(buf, 0, 2, 0)
    return buf
  } finally {
    await fh.close()
  }
}
