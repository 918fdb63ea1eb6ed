import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { DEFAULT_FETCHER_OPTIONS, readPolicyManifest } from '#evaluator'
import { readArchive, writeArchive } from './archive.js'
import { PackageError, packageError } from './errors.js'
import { loadIgnore } from './ignore.js'
import { entryFiles, PACKAGE_FORMAT, type PackageManifest, TOOL } from './manifest.js'
import { walkPolicy } from './walk.js'

/** The files `package` writes into its output folder, and `upload` reads. */
export const ARCHIVE_FILE = 'policy.tar.gz'
export const MANIFEST_FILE = 'policy.json'
/** The default output folder inside the policy folder; always left out of the package. */
export const BUILD_DIR = 'build'

/** The validators' fetch limits a package must fit (their defaults; `evaluator/src/fetch/README.md`). */
export interface PackageLimits {
  maxDownloadBytes: number
  maxUnpackedBytes: number
  maxFiles: number
}

export const VALIDATOR_FETCH_LIMITS: Readonly<PackageLimits> = {
  maxDownloadBytes: DEFAULT_FETCHER_OPTIONS.maxDownloadBytes,
  maxUnpackedBytes: DEFAULT_FETCHER_OPTIONS.maxUnpackedBytes,
  maxFiles: DEFAULT_FETCHER_OPTIONS.maxFiles,
}

/** Warn at this fraction of a limit: a policy that grows a little should not fail its next upload unannounced. */
export const WARN_FRACTION = 0.8

export interface PackageOptions {
  dir: string
  /** @default `<dir>/build` */
  out?: string
  /** @default {@link VALIDATOR_FETCH_LIMITS} */
  limits?: PackageLimits
  onWarning?: (text: string) => void
}

export interface PackageResult {
  manifest: PackageManifest
  archivePath: string
  manifestPath: string
  /** Paths left out (folders once, with a trailing slash). */
  excluded: string[]
  /** Sum of the files' sizes. */
  unpackedBytes: number
  warnings: string[]
}

const MiB = 1024 * 1024
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`

/** The unpacker's cap on the decompressed tar stream (evaluator/src/fetch/README.md, "Unpack"). */
function inflationCap(l: PackageLimits): number {
  return l.maxUnpackedBytes + l.maxFiles * 1536 + 64 * 1024
}

function checkLimit(what: string, value: number, limit: number, fmt: (n: number) => string, warn: (t: string) => void) {
  if (value > limit) {
    throw packageError(
      'MINER_PACKAGE_TOO_LARGE',
      what,
      `${what} is ${fmt(value)}, over the validators' limit of ${fmt(limit)}`,
    )
  }
  if (value >= WARN_FRACTION * limit) {
    warn(`${what} is ${fmt(value)}: ${Math.round((100 * value) / limit)}% of the validators' limit of ${fmt(limit)}`)
  }
}

function readManifestOf(dir: string): { name: string; entry: string[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw packageError('MINER_PACKAGE_NOT_A_POLICY', dir, `${dir} is not a folder`)
  }
  try {
    return readPolicyManifest(dir)
  } catch (err) {
    throw packageError('MINER_PACKAGE_NOT_A_POLICY', dir, (err as Error).message, err)
  }
}

/**
 * Packs a policy folder into `<out>/policy.tar.gz` with `<out>/policy.json`. Everything that can be checked
 * is checked before the archive is written (manifest, entry file, links, special files, readability, file
 * count and size); the archive is written under a temporary name, read back, compared with what was meant to
 * go in, and renamed into place only when it fits the validators' limits.
 */
export async function packagePolicy(opts: PackageOptions): Promise<PackageResult> {
  const dir = resolve(opts.dir)
  const out = resolve(opts.out ?? join(dir, BUILD_DIR))
  const limits = opts.limits ?? VALIDATOR_FETCH_LIMITS
  const warnings: string[] = []
  const warn = (text: string) => {
    warnings.push(text)
    opts.onWarning?.(text)
  }
  const policy = readManifestOf(dir)

  const outRel = relative(dir, out)
  const outInside = outRel !== '' && !outRel.startsWith('..') && !outRel.startsWith(sep)
  const { files, excluded } = walkPolicy(
    dir,
    loadIgnore(dir, [BUILD_DIR, ...(outInside ? [outRel.split(sep).join('/')] : [])]),
  )
  const packed = new Set(files.map((f) => f.path))
  if (existsSync(join(dir, 'kinitro.json')) && !packed.has('kinitro.json')) {
    throw packageError('MINER_PACKAGE_NOT_A_POLICY', 'kinitro.json', 'kinitro.json is excluded from the package')
  }
  for (const file of entryFiles(policy.entry)) {
    if (!packed.has(file)) {
      const why = existsSync(join(dir, file)) ? 'is excluded from the package' : 'does not exist'
      throw packageError('MINER_PACKAGE_ENTRY_MISSING', file, `${file} (started by kinitro.json) ${why}`)
    }
  }
  const unpackedBytes = files.reduce((sum, f) => sum + f.bytes, 0)
  checkLimit('the file count', files.length, limits.maxFiles, String, warn)
  checkLimit('the unpacked size', unpackedBytes, limits.maxUnpackedBytes, mib, warn)

  const archivePath = join(out, ARCHIVE_FILE)
  const manifestPath = join(out, MANIFEST_FILE)
  const tmp = `${archivePath}.tmp-${process.pid}`
  try {
    mkdirSync(out, { recursive: true })
    const digest = await writeArchive(
      dir,
      files.map((f) => f.path),
      tmp,
    )
    const { entries, tarBytes } = await readArchive(tmp)
    const same =
      entries.length === files.length &&
      entries.every((e, i) => e.type === 'File' && e.path === files[i]?.path && e.bytes === files[i]?.bytes)
    if (!same) throw packageError('MINER_PACKAGE_CHANGED', dir, `files in ${dir} changed while they were packed`)
    checkLimit('the archive', digest.bytes, limits.maxDownloadBytes, mib, warn)
    checkLimit('the uncompressed tar stream', tarBytes, inflationCap(limits), mib, warn)

    const manifest: PackageManifest = {
      format: PACKAGE_FORMAT,
      name: policy.name,
      entry: policy.entry,
      files: entries.map((e) => ({ path: e.path, bytes: e.bytes, sha256: e.sha256 })),
      archive: { sha256: digest.sha256, bytes: digest.bytes },
      tool: TOOL,
    }
    renameSync(tmp, archivePath)
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
    return { manifest, archivePath, manifestPath, excluded, unpackedBytes, warnings }
  } catch (err) {
    rmSync(tmp, { force: true })
    if (err instanceof PackageError) throw err
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw packageError('MINER_PACKAGE_WRITE_FAILED', out, `cannot write the package to ${out} (${code})`, err)
  }
}
