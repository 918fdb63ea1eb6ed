import { closeSync, lstatSync, openSync, readdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { packageError } from './errors.js'
import type { IgnoreMatcher } from './ignore.js'

/** A file that goes into the package. */
export interface PackedFile {
  /** Relative path with forward slashes, as it appears in the archive. */
  path: string
  bytes: number
}

export interface WalkResult {
  /** In archive order: byte-wise ascending paths. */
  files: PackedFile[]
  /** Paths left out (folders are listed once, not their contents). */
  excluded: string[]
}

// Byte order of the UTF-8 paths, not the locale's collation: the same folder sorts the same everywhere.
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

/**
 * Every file of a policy folder that goes into its package, checked before a byte is written: no symlinks
 * (validators unpack regular files only, and a link could pull in files from outside the folder), no special
 * files, every file readable. Empty folders are not recorded: the archive holds files only.
 */
export function walkPolicy(root: string, ignore: IgnoreMatcher): WalkResult {
  const files: PackedFile[] = []
  const excluded: string[] = []
  const visit = (rel: string) => {
    const names = readdirSync(rel === '' ? root : join(root, rel)).sort(byteOrder)
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`
      const full = join(root, path)
      const st = lstatSync(full)
      if (ignore(path, st.isDirectory())) {
        excluded.push(st.isDirectory() ? `${path}/` : path)
        continue
      }
      if (st.isSymbolicLink()) {
        throw packageError('MINER_PACKAGE_SYMLINK', path, `${path} is a symbolic link`)
      }
      if (st.isDirectory()) {
        visit(path)
        continue
      }
      if (!st.isFile()) throw packageError('MINER_PACKAGE_SPECIAL_FILE', path, `${path} is ${kindOf(st)}`)
      try {
        closeSync(openSync(full, 'r'))
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err)
        throw packageError('MINER_PACKAGE_UNREADABLE', path, `${path} cannot be read (${code})`, err)
      }
      files.push({ path, bytes: st.size })
    }
  }
  visit('')
  // Sorting per folder gives "a/…" before "a-b"; one global byte sort makes the order independent of layout.
  files.sort((a, b) => byteOrder(a.path, b.path))
  return { files, excluded }
}
