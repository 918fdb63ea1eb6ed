import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { uploadError } from './errors.js'

/** The archive to upload, with the digest validators will check it against. */
export interface ArchiveInfo {
  path: string
  bytes: number
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string
}

/**
 * Size and SHA-256 of `path`, streamed (archives carry model weights and can be large). Missing or not a file
 * is `MINER_UPLOAD_ARCHIVE_MISSING`: the usual cause is a skipped `kinitro miner package`.
 */
export async function inspectArchive(path: string): Promise<ArchiveInfo> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw uploadError('MINER_UPLOAD_ARCHIVE_MISSING', 'local', `no archive at ${path} (${err.code ?? err.message})`, {
      where: path,
    })
  })
  if (!info.isFile()) {
    throw uploadError('MINER_UPLOAD_ARCHIVE_MISSING', 'local', `${path} is not a file`, { where: path })
  }
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return { path, bytes: info.size, sha256: hash.digest('hex') }
}
