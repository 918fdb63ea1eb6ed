import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createArtifactFetcher } from '#evaluator'
import { addInitCommands } from '../../src/cli/init.js'
import { addPackageCommands } from '../../src/cli/package.js'
import type { PackageManifest } from '../../src/package/manifest.js'
import { packagePolicy } from '../../src/package/pack.js'
import { runMiner, tempDir } from './helpers.js'

const miner = (argv: string[], cwd: string) => runMiner([addInitCommands, addPackageCommands], argv, { cwd })
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(root, full) : [relative(root, full)]
  })
}

/** A policy folder with everything package must leave out, next to what it must keep. */
function writeMessyPolicy(dir: string): void {
  const put = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  put('kinitro.json', JSON.stringify({ name: 'messy', entry: ['python3', 'server.py', '--port', '{port}'] }))
  put('server.py', 'print("hi")\n')
  put('lib/util.py', 'X = 1\n')
  put('model/weights.bin', 'w'.repeat(5000))
  put('@odd name.txt', 'a file tar.create() would read as an archive\n')
  put('build/old.tar.gz', 'stale')
  put('.git/HEAD', 'ref: refs/heads/main\n')
  put('node_modules/x/index.js', '')
  put('lib/__pycache__/util.cpython-311.pyc', '')
  put('.venv/bin/python', '')
  put('logs/run.log', 'log\n')
  put('notes.log', 'log\n')
  put('data/big/sample.npz', 'data')
  put('secret.txt', 'top secret\n')
  put('lib/secret.txt', 'not anchored: kept\n')
  put('.kinitroignore', '# local junk\n*.log\ndata/\n/secret.txt\n')
}

const KEPT = [
  '.kinitroignore',
  '@odd name.txt',
  'kinitro.json',
  'lib/secret.txt',
  'lib/util.py',
  'model/weights.bin',
  'server.py',
]

describe('kinitro miner package', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    tmp = tempDir('package')
  })
  afterEach(() => tmp.cleanup())

  it('gives identical bytes for the same files, after touching mtimes and modes too', async () => {
    const dir = join(tmp.dir, 'p')
    expect((await miner(['init', 'p'], tmp.dir)).code).toBe(0)
    const first = await miner(['package', '--json'], dir)
    expect(first.code, first.err).toBe(0)
    const bytes1 = readFileSync(join(dir, 'build', 'policy.tar.gz'))
    const manifest1 = readFileSync(join(dir, 'build', 'policy.json'), 'utf8')

    expect((await miner(['package'], dir)).code).toBe(0)
    expect(readFileSync(join(dir, 'build', 'policy.tar.gz')).equals(bytes1)).toBe(true)

    // New mtimes, a group-writable file and a stale build: none of it reaches the archive.
    const later = new Date('2031-02-03T04:05:06Z')
    for (const f of filesUnder(dir)) utimesSync(join(dir, f), later, later)
    chmodSync(join(dir, 'policy.py'), 0o664)
    const out2 = join(tmp.dir, 'elsewhere')
    expect((await miner(['package', '--out', out2], dir)).code).toBe(0)
    expect(readFileSync(join(out2, 'policy.tar.gz')).equals(bytes1)).toBe(true)
    expect(readFileSync(join(out2, 'policy.json'), 'utf8')).toBe(manifest1)

    // A changed byte changes the digest.
    writeFileSync(join(dir, 'policy.py'), `${readFileSync(join(dir, 'policy.py'), 'utf8')}# v2\n`)
    expect((await miner(['package'], dir)).code).toBe(0)
    expect(sha256(readFileSync(join(dir, 'build', 'policy.tar.gz')))).not.toBe(sha256(bytes1))
  })

  it('packs exactly the kept files: tar extracts them byte for byte and the manifest hashes match', async () => {
    const dir = join(tmp.dir, 'messy')
    writeMessyPolicy(dir)
    const r = await miner(['package', '--json'], dir)
    expect(r.code, r.err).toBe(0)
    const printed = JSON.parse(r.out) as PackageManifest & { excluded: string[]; archivePath: string }
    const onDisk = JSON.parse(readFileSync(join(dir, 'build', 'policy.json'), 'utf8')) as PackageManifest
    expect(onDisk.format).toBe('kinitro-policy-package/1')
    expect(onDisk.name).toBe('messy')
    expect(onDisk.entry).toEqual(['python3', 'server.py', '--port', '{port}'])
    expect(onDisk.tool).toMatch(/^kinitro \d+\.\d+\.\d+/)
    expect(onDisk.files.map((f) => f.path)).toEqual(
      [...KEPT].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    )
    expect(printed.excluded).toEqual(
      expect.arrayContaining([
        '.git/',
        '.venv/',
        'build/',
        'data/',
        'lib/__pycache__/',
        'logs/run.log',
        'node_modules/',
        'notes.log',
        'secret.txt',
      ]),
    )

    const archive = readFileSync(printed.archivePath)
    expect(onDisk.archive).toEqual({ sha256: sha256(archive), bytes: archive.length })

    const out = join(tmp.dir, 'unpacked')
    mkdirSync(out)
    execFileSync('tar', ['-xzf', printed.archivePath, '-C', out])
    expect(filesUnder(out).sort()).toEqual([...KEPT].sort())
    for (const f of onDisk.files) {
      const bytes = readFileSync(join(out, f.path))
      expect(bytes.equals(readFileSync(join(dir, f.path))), f.path).toBe(true)
      expect({ bytes: bytes.length, sha256: sha256(bytes) }).toEqual({ bytes: f.bytes, sha256: f.sha256 })
    }
    // Owners, times and folder entries are not in the archive.
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', printed.archivePath], {
      encoding: 'utf8',
    })
    for (const line of listing.trim().split('\n')) {
      expect(line).toMatch(/^-rw-r--r-- 0\/0 .* 1970-01-01 00:00:00 /)
    }
  })

  it("is accepted by the validators' artifact fetcher, which unpacks the same files", async () => {
    const dir = join(tmp.dir, 'messy')
    writeMessyPolicy(dir)
    const result = await packagePolicy({ dir })
    const archive = readFileSync(result.archivePath)
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.length })
      res.end(archive)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const fetcher = createArtifactFetcher({ cacheDir: join(tmp.dir, 'cache'), allowInsecureHttp: true })
      const fetched = await fetcher.fetch({
        kind: 'https',
        url: `http://127.0.0.1:${port}/policy.tar.gz`,
        sha256: result.manifest.archive.sha256,
      })
      expect(filesUnder(fetched.dir).sort()).toEqual([...KEPT].sort())
      expect(readFileSync(join(fetched.dir, 'model/weights.bin'), 'utf8')).toBe('w'.repeat(5000))
    } finally {
      server.close()
    }
  })

  it('refuses symlinks and special files unless .kinitroignore leaves them out', async () => {
    const dir = join(tmp.dir, 'links')
    writeMessyPolicy(dir)
    symlinkSync('/etc/passwd', join(dir, 'lib', 'passwd'))
    const refused = await miner(['package'], dir)
    expect(refused.errorCode).toBe('MINER_PACKAGE_SYMLINK')
    expect(refused.err).toContain('lib/passwd')
    expect(refused.err).toContain('how to fix:')

    writeFileSync(join(dir, '.kinitroignore'), 'lib/passwd\n')
    expect((await miner(['package'], dir)).code).toBe(0)

    const fifo = spawnSync('mkfifo', [join(dir, 'pipe')])
    if (fifo.status === 0) {
      const special = await miner(['package'], dir)
      expect(special.errorCode).toBe('MINER_PACKAGE_SPECIAL_FILE')
      expect(special.err).toContain('pipe is a FIFO')
    }
  })

  it.skipIf(process.getuid?.() === 0)(
    'refuses a file it cannot read (root reads everything: skipped as root)',
    async () => {
      const dir = join(tmp.dir, 'locked')
      writeMessyPolicy(dir)
      chmodSync(join(dir, 'lib', 'util.py'), 0)
      const r = await miner(['package'], dir)
      expect(r.errorCode).toBe('MINER_PACKAGE_UNREADABLE')
    },
  )

  it('names what is wrong with the folder, the entry file and .kinitroignore', async () => {
    const notPolicy = await miner(['package'], tmp.dir)
    expect(notPolicy.errorCode).toBe('MINER_PACKAGE_NOT_A_POLICY')

    const dir = join(tmp.dir, 'messy')
    writeMessyPolicy(dir)
    writeFileSync(join(dir, '.kinitroignore'), 'server.py\n')
    const excludedEntry = await miner(['package'], dir)
    expect(excludedEntry.errorCode).toBe('MINER_PACKAGE_ENTRY_MISSING')
    expect(excludedEntry.err).toContain('server.py (started by kinitro.json) is excluded')

    writeFileSync(join(dir, '.kinitroignore'), '*.json\n')
    expect((await miner(['package'], dir)).errorCode).toBe('MINER_PACKAGE_NOT_A_POLICY')

    writeFileSync(join(dir, '.kinitroignore'), '*.log\n!keep.log\n')
    const negation = await miner(['package'], dir)
    expect(negation.errorCode).toBe('MINER_PACKAGE_BAD_IGNORE')
    expect(negation.err).toContain('.kinitroignore:2')

    rmSync(join(dir, '.kinitroignore'))
    writeFileSync(
      join(dir, 'kinitro.json'),
      JSON.stringify({ name: 'x', entry: ['node', 'dist/server.js', '--port', '{port}'] }),
    )
    const unbuilt = await miner(['package'], dir)
    expect(unbuilt.errorCode).toBe('MINER_PACKAGE_ENTRY_MISSING')
    expect(unbuilt.err).toContain('dist/server.js (started by kinitro.json) does not exist')
  })

  it("warns near the validators' limits and refuses past them, leaving no archive behind", async () => {
    const dir = join(tmp.dir, 'messy')
    writeMessyPolicy(dir)
    const warnings: string[] = []
    const near = await packagePolicy({
      dir,
      limits: { maxFiles: 8, maxUnpackedBytes: 1_000_000, maxDownloadBytes: 1_000_000 },
      onWarning: (t) => warnings.push(t),
    })
    expect(near.manifest.files).toHaveLength(7)
    expect(warnings).toEqual([expect.stringContaining("the file count is 7: 88% of the validators' limit of 8")])

    rmSync(join(dir, 'build'), { recursive: true })
    await expect(
      packagePolicy({ dir, limits: { maxFiles: 100, maxUnpackedBytes: 1_000_000, maxDownloadBytes: 300 } }),
    ).rejects.toMatchObject({ code: 'MINER_PACKAGE_TOO_LARGE', meta: { subject: 'the archive' } })
    await expect(
      packagePolicy({ dir, limits: { maxFiles: 100, maxUnpackedBytes: 4000, maxDownloadBytes: 1_000_000 } }),
    ).rejects.toMatchObject({ code: 'MINER_PACKAGE_TOO_LARGE', meta: { subject: 'the unpacked size' } })
    expect(readdirSync(join(dir, 'build'))).toEqual([])
  })
})
