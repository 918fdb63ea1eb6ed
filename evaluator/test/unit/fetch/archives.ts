import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { Header, type types } from 'tar'

/** One entry of a hand-made tar; `type` uses node-tar's names (File, Directory, SymbolicLink, Link, ...). */
export interface TarEntry {
  path: string
  type?: types.EntryTypeName
  body?: string | Uint8Array
  mode?: number
  linkpath?: string
  /** Declared size when it should differ from the body (a header that lies). */
  size?: number
}

/**
 * Builds a tar byte by byte from headers, so archives a well-behaved packer refuses to write (absolute
 * paths, `..`, links to /etc, devices) can be served to the fetcher.
 */
export function tarBytes(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const body = e.body === undefined ? Buffer.alloc(0) : Buffer.from(e.body)
    const type = e.type ?? (e.path.endsWith('/') ? 'Directory' : 'File')
    const header = new Header({
      path: e.path,
      type: type as types.EntryTypeName,
      mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: e.size ?? (type === 'File' ? body.length : 0),
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      ...(e.linkpath !== undefined && { linkpath: e.linkpath }),
    })
    const block = Buffer.alloc(512)
    header.encode(block)
    blocks.push(block)
    if (body.length > 0) {
      blocks.push(body)
      const pad = (512 - (body.length % 512)) % 512
      blocks.push(Buffer.alloc(pad))
    }
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

export function tarGz(entries: TarEntry[]): Buffer {
  return gzipSync(tarBytes(entries))
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}

/** A small valid policy archive. */
export function policyArchive(marker = 'v1'): Buffer {
  return tarGz([
    { path: './', type: 'Directory' },
    { path: './server.py', body: `print("${marker}")\n`, mode: 0o755 },
    { path: './weights/', type: 'Directory' },
    { path: './weights/model.bin', body: Buffer.alloc(4096, 7) },
  ])
}
