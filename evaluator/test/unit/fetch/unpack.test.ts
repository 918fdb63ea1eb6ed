import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FetchError } from '../../../src/fetch/errors.js'
import { safeUnpack } from '../../../src/fetch/unpack.js'
import { policyArchive, type TarEntry, tarBytes, tarGz } from './archives.js'

const LIMITS = { maxUnpackedBytes: 1024 * 1024, maxFiles: 100 }
let root: string
let n = 0

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kinitro-unpack-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function unpack(archive: Buffer, limits = LIMITS) {
  const dir = join(root, `case-${n++}`)
  await mkdir(join(dir, 'tree'), { recursive: true })
  await writeFile(join(dir, 'archive'), archive)
  const out = join(dir, 'tree')
  try {
    return { out, stats: await safeUnpack(join(dir, 'archive'), out, limits, 'test') }
  } catch (err) {
    return { out, err: err as FetchError }
  }
}

async function expectRejected(entries: TarEntry[] | Buffer, code: string) {
  const { out, err } = await unpack(Buffer.isBuffer(entries) ? entries : tarGz(entries))
  expect(err, 'archive should be rejected').toBeInstanceOf(FetchError)
  expect(err?.code).toBe(code)
  expect(err?.meta.failure).toBe('policy_artifact_invalid')
  return out
}

describe('safeUnpack', () => {
  it('unpacks regular files and directories', async () => {
    const { out, stats } = await unpack(policyArchive('hello'))
    expect(await readFile(join(out, 'server.py'), 'utf8')).toBe('print("hello")\n')
    expect((await readFile(join(out, 'weights/model.bin'))).length).toBe(4096)
    expect(stats).toEqual({ files: 4, unpackedBytes: 4096 + 'print("hello")\n'.length })
  })

  it('accepts an uncompressed tar too', async () => {
    const { out, err } = await unpack(tarBytes([{ path: 'a.txt', body: 'plain' }]))
    expect(err).toBeUndefined()
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('plain')
  })

  it('sanitises modes: no setuid/setgid/sticky, no group/other write', async () => {
    const { out } = await unpack(
      tarGz([
        { path: 'suid', body: '#!/bin/sh\n', mode: 0o6777 },
        { path: 'd/', type: 'Directory', mode: 0o1777 },
        { path: 'd/ro', body: 'x', mode: 0o400 },
      ]),
    )
    expect((await stat(join(out, 'suid'))).mode & 0o7777).toBe(0o755)
    expect((await stat(join(out, 'd'))).mode & 0o7777).toBe(0o755)
    expect((await stat(join(out, 'd/ro'))).mode & 0o7777).toBe(0o600)
  })

  it.each([
    ['a symlink', [{ path: 'ln', type: 'SymbolicLink', linkpath: '/etc/passwd' }]],
    [
      'a hardlink',
      [
        { path: 'a', body: 'x' },
        { path: 'hl', type: 'Link', linkpath: 'a' },
      ],
    ],
    ['a character device', [{ path: 'null', type: 'CharacterDevice' }]],
    ['a block device', [{ path: 'sda', type: 'BlockDevice' }]],
    ['a FIFO', [{ path: 'pipe', type: 'FIFO' }]],
    ['an absolute path', [{ path: '/tmp/kinitro-escape', body: 'x' }]],
    ['a traversal path', [{ path: 'ok/../../escape', body: 'x' }]],
    ['a bare ".."', [{ path: '../escape', body: 'x' }]],
    ['a backslash path', [{ path: '..\\escape', body: 'x' }]],
  ] as [string, TarEntry[]][])('rejects an archive with %s and writes nothing outside', async (_name, entries) => {
    const out = await expectRejected([{ path: 'first.txt', body: 'x' }, ...entries], 'EVAL_FETCH_ARCHIVE_UNSAFE')
    const outside = await readdir(join(out, '..'))
    expect(outside.sort()).toEqual(['archive', 'tree'])
    await expect(stat('/tmp/kinitro-escape')).rejects.toThrow()
  })

  it('bounds the declared unpacked size', async () => {
    await expectRejected(
      [
        { path: 'a', body: Buffer.alloc(600 * 1024) },
        { path: 'b', body: Buffer.alloc(600 * 1024) },
      ],
      'EVAL_FETCH_ARCHIVE_LIMIT',
    )
  })

  it('bounds the file count', async () => {
    const entries = Array.from({ length: 101 }, (_, i) => ({ path: `f${i}`, body: 'x' }))
    await expectRejected(entries, 'EVAL_FETCH_ARCHIVE_LIMIT')
  })

  it('cuts off a gzip bomb without inflating it (16 MiB of zeros after the end of the tar)', async () => {
    const bomb = gzipSync(Buffer.concat([tarBytes([{ path: 'a', body: 'x' }]), Buffer.alloc(16 * 1024 * 1024)]))
    expect(bomb.length).toBeLessThan(32 * 1024)
    await expectRejected(bomb, 'EVAL_FETCH_ARCHIVE_LIMIT')
  })

  it('rejects duplicate paths, nested gzip, garbage and empty archives', async () => {
    await expectRejected(
      [
        { path: 'a', body: '1' },
        { path: 'a', body: '2' },
      ],
      'EVAL_FETCH_ARCHIVE_CORRUPT',
    )
    await expectRejected(gzipSync(tarGz([{ path: 'a', body: 'x' }])), 'EVAL_FETCH_ARCHIVE_CORRUPT')
    await expectRejected(
      gzipSync(Buffer.from('this is not a tar archive at all'.repeat(40))),
      'EVAL_FETCH_ARCHIVE_CORRUPT',
    )
    await expectRejected(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), 'EVAL_FETCH_ARCHIVE_CORRUPT')
    await expectRejected(gzipSync(Buffer.alloc(1024)), 'EVAL_FETCH_ARCHIVE_CORRUPT')
  })

  it('rejects a body shorter than its header declares', async () => {
    const truncated = tarBytes([{ path: 'a', body: Buffer.alloc(2000, 1) }]).subarray(0, 1024)
    await expectRejected(gzipSync(truncated), 'EVAL_FETCH_ARCHIVE_CORRUPT')
  })
})
