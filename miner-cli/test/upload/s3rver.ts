import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The part of s3rver 3.7's (untyped, CommonJS) API these tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>
  close(): Promise<void>
  httpServer?: Server
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance

/** An s3rver serving `buckets` from a fresh temp folder, and how to reach and stop it. */
export interface LocalS3 {
  endpoint: string
  region: string
  /** s3rver's one built-in key pair; it checks SigV4 signatures against it. */
  credentials: { accessKeyId: string; secretAccessKey: string }
  stop(): Promise<void>
}

/**
 * Runs s3rver in this test process. (evaluator's tests run it in a child with OpenSSL's legacy provider,
 * because its ListObjectsV2 continuation tokens use DES; uploads never list, so in-process is enough here.)
 */
export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass
  const directory = await mkdtemp(join(tmpdir(), 'kinitro-upload-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  })
  const { port } = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      server.httpServer?.closeAllConnections()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
