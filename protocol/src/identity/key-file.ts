import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import type { Logger } from '../logger.js'
import { INSECURE_MODE_BITS, SECRET_DIR_MODE, SECRET_FILE_MODE } from './constants.js'
import { IdentityError, type KeyFileKind } from './errors.js'

/** How a key file is read. */
export interface ReadKeyFileOptions {
  /** Receives a warning when the file is open to group or others. @default silentLogger */
  logger?: Logger
  /** Refuse (`IDENTITY_KEY_FILE_INSECURE`) instead of warning when the file is open to group or others. @default false */
  strictPermissions?: boolean
}

/** Expand a leading `~` to the home directory and make the path absolute. */
export function expandHome(path: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/')) return join(homedir(), path.slice(2))
  return resolve(path)
}

function errno(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}

function unreadable(kind: KeyFileKind, path: string, err: unknown): IdentityError {
  const reason = errno(err) ?? (err instanceof Error ? err.message : String(err))
  return new IdentityError(
    { code: 'IDENTITY_KEY_FILE_UNREADABLE', kind, path, reason },
    `cannot read ${path}: ${reason}`,
    {
      cause: err,
    },
  )
}

/** Read a secret key file, mapping failures to typed errors and checking its permissions first. */
export async function readKeyFile(kind: KeyFileKind, path: string, opts: ReadKeyFileOptions = {}): Promise<Buffer> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') {
      throw new IdentityError({ code: 'IDENTITY_KEY_FILE_NOT_FOUND', kind, path }, `no ${kind} file at ${path}`)
    }
    throw unreadable(kind, path, err)
  }
  if (!info.isFile()) throw unreadable(kind, path, new Error('not a regular file'))
  // Windows has no POSIX mode bits; stat reports 0o666 there, which would warn on every load.
  if (process.platform !== 'win32' && (info.mode & INSECURE_MODE_BITS) !== 0) {
    const mode = `0${(info.mode & 0o777).toString(8)}`
    if (opts.strictPermissions) {
      throw new IdentityError(
        { code: 'IDENTITY_KEY_FILE_INSECURE', kind, path, mode },
        `${path} is accessible by group or others (mode ${mode})`,
      )
    }
    opts.logger?.warn('key file is accessible by group or others', {
      code: 'IDENTITY_KEY_FILE_INSECURE',
      kind,
      path,
      mode,
    })
  }
  try {
    return await readFile(path)
  } catch (err) {
    throw unreadable(kind, path, err)
  }
}

/** How a key file is written. */
export interface WriteKeyFileOptions {
  /** Replace an existing file instead of failing with `IDENTITY_KEY_FILE_EXISTS`. @default false */
  force?: boolean
  /** File mode. @default 0o600 */
  mode?: number
}

/**
 * Write a key file atomically: a private temp file in the same directory, fsync, then rename (force) or
 * hard-link (no force, so an existing file is never clobbered, even by a concurrent writer). Directories
 * we create get mode 0700.
 */
export async function writeKeyFile(
  kind: KeyFileKind,
  path: string,
  data: Uint8Array | string,
  opts: WriteKeyFileOptions = {},
): Promise<void> {
  const mode = opts.mode ?? SECRET_FILE_MODE
  await mkdir(dirname(path), { recursive: true, mode: SECRET_DIR_MODE })
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode)
  try {
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await chmod(tmp, mode) // the umask may have narrowed it; never widened, but be exact
    if (opts.force) {
      await rename(tmp, path)
      return
    }
    await linkNoClobber(kind, tmp, path)
  } finally {
    await unlink(tmp).catch(() => {})
  }
}

async function linkNoClobber(kind: KeyFileKind, tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path)
  } catch (err) {
    if (errno(err) === 'EEXIST') {
      throw new IdentityError({ code: 'IDENTITY_KEY_FILE_EXISTS', kind, path }, `${path} already exists`)
    }
    // Some filesystems (FAT, a few FUSE mounts) lack hard links: fall back to check-then-rename.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errno(err) ?? '')) throw err
    if (await exists(path)) {
      throw new IdentityError({ code: 'IDENTITY_KEY_FILE_EXISTS', kind, path }, `${path} already exists`)
    }
    await rename(tmp, path)
  }
}

/** True when something exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
