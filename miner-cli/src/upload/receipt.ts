import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { HubUploadReceipt } from './hf.js'
import type { S3UploadReceipt } from './s3.js'

/** What `upload` leaves in `<policy dir>/build/` for `commit` and `verify`. */
export const UPLOAD_RECEIPT_FILE = 'upload.json'

/** Either receipt; `kind` tells which. */
export type UploadReceipt = HubUploadReceipt | S3UploadReceipt

const sha256 = z.string().regex(/^[0-9a-f]{64}$/u)
const common = { sha256, bytes: z.number().int().nonnegative(), url: z.string().min(1), uploadedAt: z.iso.datetime() }

/**
 * The shape of `upload.json`, for the commands that read it (`commit`, `verify`): a hand-edited or stale file
 * fails here with the key that is wrong, not later with a pointer validators cannot follow.
 */
export const uploadReceiptSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hf'),
    repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/u),
    revision: z.string().regex(/^[0-9a-f]{40}$/u),
    file: z.string().min(1),
    ...common,
  }),
  z.strictObject({ kind: z.literal('s3'), bucket: z.string().min(1), key: z.string().min(1), ...common }),
])

/** Writes `<buildDir>/upload.json` (pretty JSON, trailing newline) and returns its path. */
export async function writeUploadReceipt(buildDir: string, receipt: UploadReceipt): Promise<string> {
  await mkdir(buildDir, { recursive: true })
  const path = join(buildDir, UPLOAD_RECEIPT_FILE)
  await writeFile(path, `${JSON.stringify(receipt, null, 2)}\n`)
  return path
}
