import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'

/** A running s3rver: a real S3-compatible HTTP server on 127.0.0.1 over a temp directory. */
export interface S3rverHandle {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  createBucket(name: string): Promise<void>
  stop(): Promise<void>
}

// s3rver 3.7 makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through its legacy
// provider; so it runs in its own Node process with --openssl-legacy-provider instead of inside the test worker.
// It exits when its stdin closes, so a crashed test run leaves no server behind.
const CHILD = `
const S3rver = require(process.argv[1])
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] })
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'))
const stop = () => server.close().finally(() => process.exit(0))
process.stdin.on('end', stop).resume()
process.on('SIGTERM', stop)
`

/** Starts s3rver 3.7.1 on an ephemeral port, silent, storing into a fresh temp dir that `stop()` removes. */
export async function startS3rver(): Promise<S3rverHandle> {
  const entry = createRequire(import.meta.url).resolve('s3rver')
  const directory = await mkdtemp(join(tmpdir(), 'kinitro-s3rver-'))
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD, entry, directory], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`s3rver exited with ${code} before listening`)
    }),
  ])) as [string]
  lines.close()
  const { port } = JSON.parse(first) as { port: number }
  const endpoint = `http://127.0.0.1:${port}`
  // s3rver accepts requests signed with its fixed key pair.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
  const region = 'us-east-1'
  return {
    endpoint,
    region,
    credentials,
    async createBucket(name) {
      const client = new S3Client({ region, endpoint, forcePathStyle: true, credentials })
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }))
      } finally {
        client.destroy()
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit')
        child.stdin?.end()
        await exited
      }
      await rm(directory, { recursive: true, force: true })
    },
  }
}
