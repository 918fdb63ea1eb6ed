import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { UPLOAD_RECEIPT_FILE, type UploadReceipt, uploadReceiptSchema } from '../upload/receipt.js'
import { CommitError } from './errors.js'

/** Where the build artifacts live inside the policy folder (`package`, `upload` and `commit` share it). */
export const BUILD_DIR = 'build'
/** Written by `kinitro miner commit`, read by `verify` and `status`. */
export const COMMIT_RECORD_FILE = 'commit.json'

export type { UploadReceipt }
export { UPLOAD_RECEIPT_FILE, uploadReceiptSchema }
/** A Hugging Face upload receipt. */
export type HfUploadReceipt = Extract<UploadReceipt, { kind: 'hf' }>

/** `build/commit.json`: what was committed, by whom, where. */
export const commitRecordSchema = z.object({
  commitment: z.string().min(1),
  hotkey: z.string().min(1),
  block: z.number().int().nonnegative(),
  blockHash: z.string(),
  netuid: z.number().int().nonnegative(),
  committedAt: z.string(),
})
export type CommitRecord = z.output<typeof commitRecordSchema>

/** The build folder of a policy folder. */
export function buildDirOf(policyDir: string): string {
  return join(policyDir, BUILD_DIR)
}

/**
 * Read and check an upload receipt.
 *
 * @throws {@link CommitError} `MINER_COMMIT_RECEIPT_MISSING`, `MINER_COMMIT_RECEIPT_INVALID`.
 */
export function readUploadReceipt(path: string): UploadReceipt {
  if (!existsSync(path)) {
    throw new CommitError(
      { code: 'MINER_COMMIT_RECEIPT_MISSING', path },
      `no upload receipt at ${path}: nothing has been uploaded from this folder yet`,
    )
  }
  return parseJsonFile(path, uploadReceiptSchema)
}

/** The commit record at `path`, or undefined when there is none. @throws `MINER_COMMIT_RECEIPT_INVALID` */
export function readCommitRecord(path: string): CommitRecord | undefined {
  return existsSync(path) ? parseJsonFile(path, commitRecordSchema) : undefined
}

/** The upload receipt at `path`, or undefined when there is none. @throws `MINER_COMMIT_RECEIPT_INVALID` */
export function readUploadReceiptIfAny(path: string): UploadReceipt | undefined {
  return existsSync(path) ? parseJsonFile(path, uploadReceiptSchema) : undefined
}

/** Write `build/commit.json` atomically (a crash never leaves half a record for `verify` to trip on). */
export function writeCommitRecord(path: string, record: CommitRecord): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`)
  renameSync(tmp, path)
}

function parseJsonFile<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new CommitError(
      { code: 'MINER_COMMIT_RECEIPT_INVALID', path, reason: (err as Error).message },
      `${path} is not readable JSON: ${(err as Error).message}`,
    )
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new CommitError({ code: 'MINER_COMMIT_RECEIPT_INVALID', path, reason }, `${path} is malformed: ${reason}`)
  }
  return parsed.data
}
