import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ArtifactFetcher, type ArtifactRef, createArtifactFetcher, readPolicyManifest } from '#evaluator'
import { type Chain, type ParsedCommitment, parseCommitment } from '#protocol'
import { minerChainError } from './chain.js'
import {
  COMMIT_RECORD_FILE,
  type CommitRecord,
  readCommitRecord,
  readUploadReceiptIfAny,
  UPLOAD_RECEIPT_FILE,
  type UploadReceipt,
} from './receipt.js'

/** Outcome of one check; `skipped` when there was nothing to compare (no local file) or an earlier check failed. */
export type CheckStatus = 'ok' | 'failed' | 'skipped'

/** One line of the verify report. */
export interface VerifyCheck {
  name: 'chain' | 'format' | 'commit.json' | 'upload.json' | 'download' | 'policy'
  status: CheckStatus
  detail: string
}

/** What {@link verifyCommitment} found. `ok` is false when any check failed. */
export interface VerifyReport {
  ok: boolean
  hotkey: string
  netuid: number
  commitment?: string
  block?: number
  parsed?: ParsedCommitment
  checks: VerifyCheck[]
}

/** Inputs of {@link verifyCommitment}. */
export interface VerifyInit {
  chain: Chain
  /** SS58 of the hotkey whose commitment is checked. */
  hotkey: string
  /** The policy's `build/` folder, for comparing with `commit.json` and `upload.json` when present. */
  buildDir?: string
  /** The hub validators download `k1` artifacts from. */
  hubUrl: string
  signal?: AbortSignal
  /** @default a validator's fetcher over a temporary cache, removed afterwards */
  fetcher?: ArtifactFetcher
}

const FULL_REVISION = /^[0-9a-f]{40}$/u
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Check the hotkey's on-chain commitment the way a validator will use it: it exists, it is in a format
 * mesh validators evaluate, it matches what this folder committed and uploaded, and its artifact downloads
 * (no token, like a validator), matches the committed SHA-256 and unpacks into a runnable policy folder.
 * Chain failures throw; everything about the miner's artifact is a check in the report.
 */
export async function verifyCommitment(init: VerifyInit): Promise<VerifyReport> {
  const { chain, hotkey } = init
  const opts = init.signal === undefined ? {} : { signal: init.signal }
  const report: VerifyReport = { ok: false, hotkey, netuid: chain.netuid, checks: [] }
  const add = (name: VerifyCheck['name'], status: CheckStatus, detail: string) =>
    report.checks.push({ name, status, detail })
  let entry: Awaited<ReturnType<Chain['commitment']>>
  try {
    entry = await chain.commitment(hotkey, opts)
  } catch (err) {
    throw minerChainError(err, chain.netuid, hotkey)
  }
  if (entry === undefined) {
    add('chain', 'failed', `no commitment for ${hotkey} on netuid ${chain.netuid}`)
    return finish(report)
  }
  const text = Buffer.from(entry.data).toString('utf8')
  const parsed = parseCommitment(entry.data)
  Object.assign(report, { commitment: text, block: entry.block, parsed })
  add('chain', 'ok', `${text} (block ${entry.block})`)

  const located = fetchRef(parsed)
  if ('reason' in located) add('format', 'failed', located.reason)
  else add('format', 'ok', located.summary)

  compareLocal(init.buildDir, { text, hotkey, netuid: chain.netuid, parsed }, add)

  if ('reason' in located) {
    add('download', 'skipped', 'no artifact a validator would fetch')
    add('policy', 'skipped', 'nothing downloaded')
    return finish(report)
  }
  const cacheDir = init.fetcher === undefined ? mkdtempSync(join(tmpdir(), 'kinitro-verify-')) : undefined
  try {
    const fetcher =
      init.fetcher ??
      createArtifactFetcher({
        cacheDir: cacheDir as string,
        hubUrl: init.hubUrl,
        allowInsecureHttp: loopbackHttp(located.ref.kind === 'https' ? located.ref.url : init.hubUrl),
      })
    let dir: string
    try {
      const got = await fetcher.fetch(located.ref, opts)
      dir = got.dir
      add('download', 'ok', `${got.bytes} bytes from ${located.source}, sha256 ${got.sha256}`)
    } catch (err) {
      add('download', 'failed', `${located.source}: ${(err as Error).message}`)
      add('policy', 'skipped', 'nothing downloaded')
      return finish(report)
    }
    try {
      const manifest = readPolicyManifest(dir)
      add('policy', 'ok', `${manifest.name}: ${manifest.entry.join(' ')}`)
    } catch (err) {
      add('policy', 'failed', (err as Error).message)
    }
  } finally {
    if (cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true })
  }
  return finish(report)
}

function finish(report: VerifyReport): VerifyReport {
  report.ok = report.checks.every((c) => c.status !== 'failed')
  return report
}

/** What a validator fetches for this commitment (the node's rule), or why it evaluates nothing. */
function fetchRef(c: ParsedCommitment): { ref: ArtifactRef; source: string; summary: string } | { reason: string } {
  if (c.format === 'kinitro-v1-url') {
    return { ref: { kind: 'https', url: c.url, sha256: c.sha256 }, source: c.url, summary: 'k1u: URL with digest' }
  }
  if (c.format === 'kinitro-v1') {
    if (c.sha256 === undefined) return { reason: 'k1 without #digest: validators need the archive SHA-256 to evaluate' }
    if (!FULL_REVISION.test(c.revision)) {
      return { reason: `revision ${c.revision} is a prefix: validators evaluate only full 40-hex revisions` }
    }
    return {
      ref: { kind: 'hf', repo: c.repo, revision: c.revision, sha256: c.sha256 },
      source: `hf:${c.repo}@${c.revision}`,
      summary: 'k1: full revision with digest',
    }
  }
  if (c.format === 'invalid') return { reason: `not a commitment validators can read (${c.reason}: ${c.detail})` }
  return {
    reason: `format ${c.format} is for reference-compatible backends; mesh validators evaluate only k1/k1u commitments`,
  }
}

type Add = (name: VerifyCheck['name'], status: CheckStatus, detail: string) => void

function compareLocal(
  buildDir: string | undefined,
  chain: { text: string; hotkey: string; netuid: number; parsed: ParsedCommitment },
  add: Add,
): void {
  // A malformed local file is a failed check, not a crash: the chain side is still worth reporting.
  const read = <T>(name: 'commit.json' | 'upload.json', fn: (path: string) => T | undefined): T | undefined | null => {
    if (buildDir === undefined) return undefined
    try {
      return fn(join(buildDir, name))
    } catch (err) {
      add(name, 'failed', (err as Error).message)
      return null
    }
  }
  const record = read(COMMIT_RECORD_FILE, readCommitRecord)
  if (record !== null) compareRecord(record, chain, add)
  const receipt = read(UPLOAD_RECEIPT_FILE, readUploadReceiptIfAny)
  if (receipt !== null) compareReceipt(receipt, chain.parsed, add)
}

function compareRecord(
  record: CommitRecord | undefined,
  chain: { text: string; hotkey: string; netuid: number },
  add: Add,
): void {
  if (record === undefined) add('commit.json', 'skipped', 'no local commit record')
  else if (record.hotkey !== chain.hotkey || record.netuid !== chain.netuid) {
    add('commit.json', 'skipped', `the local record is for ${record.hotkey} on netuid ${record.netuid}`)
  } else if (record.commitment !== chain.text) {
    add('commit.json', 'failed', `local record says ${record.commitment}; the chain holds another commitment`)
  } else add('commit.json', 'ok', `matches (block ${record.block})`)
}

function compareReceipt(receipt: UploadReceipt | undefined, c: ParsedCommitment, add: Add): void {
  if (receipt === undefined) {
    add('upload.json', 'skipped', 'no local upload receipt')
    return
  }
  if (c.format !== 'kinitro-v1' && c.format !== 'kinitro-v1-url') {
    add('upload.json', 'skipped', 'the commitment names no digest to compare')
    return
  }
  const problems: string[] = []
  if (c.sha256 !== receipt.sha256) problems.push(`sha256 ${receipt.sha256} uploaded, ${c.sha256 ?? 'none'} committed`)
  if (receipt.kind === 'hf') {
    if (c.format !== 'kinitro-v1') problems.push('uploaded to Hugging Face, committed a URL')
    else if (c.repo !== receipt.repo || c.revision !== receipt.revision) {
      problems.push(`uploaded ${receipt.repo}@${receipt.revision}, committed ${c.repo}@${c.revision}`)
    }
  } else if (c.format !== 'kinitro-v1-url') problems.push('uploaded to S3/R2, committed a Hugging Face repo')
  else if (c.url !== receipt.url) problems.push(`uploaded to ${receipt.url}, committed ${c.url}`)
  if (problems.length > 0) add('upload.json', 'failed', problems.join('; '))
  else add('upload.json', 'ok', `sha256 ${receipt.sha256} matches`)
}

function loopbackHttp(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' && LOOPBACK.has(u.hostname)
  } catch {
    return false
  }
}
