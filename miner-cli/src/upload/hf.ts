import { openAsBlob } from 'node:fs'
import { commitIter, createRepo, fileDownloadInfo, HubApiError, repoExists, whoAmI } from '@huggingface/hub'
import { inspectArchive } from './archive.js'
import { UploadError, uploadError } from './errors.js'

/** Hub repo ids as the hub accepts them: `<namespace>/<name>`, letters, digits, `-`, `_`, `.`. */
export const HF_REPO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/u

/** The file name validators look for when a commitment names none (evaluator's `DEFAULT_HF_FILE`). */
export const DEFAULT_HUB_FILE = 'policy.tar.gz'

/** What `upload.json` records after a hub upload; `commit` turns it into the on-chain pointer. */
export interface HubUploadReceipt {
  kind: 'hf'
  repo: string
  /** The 40-hex commit oid the upload created: validators download at exactly this revision. */
  revision: string
  file: string
  sha256: string
  bytes: number
  /** `<hub>/<repo>/resolve/<revision>/<file>`. */
  url: string
  /** ISO 8601. */
  uploadedAt: string
}

/** Progress of a hub upload, for a progress line. */
export type HubUploadProgress =
  | { phase: 'checking' | 'committing' | 'verifying' }
  | { phase: 'hashing' | 'uploading'; fraction: number }

/** Options of {@link uploadToHub}. */
export interface HubUploadOptions {
  /** Path of the policy archive (`build/policy.tar.gz`). */
  archive: string
  /** `<namespace>/<name>` of a model repo. */
  repo: string
  /** @default 'https://huggingface.co' */
  hubUrl?: string
  /** A write token (`hf_…`), e.g. from {@link resolveHfToken}. */
  token: string
  /** Path inside the repo. @default 'policy.tar.gz' */
  file?: string
  /** Create the repo when it does not exist. @default true */
  createRepo?: boolean
  /** Visibility of a repo this call creates; an existing repo keeps its own. @default false */
  private?: boolean
  /** Commit title. @default `Upload <file> (sha256 <first 12 hex>)` */
  message?: string
  signal?: AbortSignal
  onProgress?: (event: HubUploadProgress) => void
}

/**
 * Uploads the policy archive to a Hugging Face model repo with `@huggingface/hub` and returns the commit it
 * made. Steps: whoAmI (a bad or read-only token fails here, before anything is sent), repoExists → createRepo
 * when missing, one commit of the file (LFS; `useXet: false`, see the dev hub's notes in
 * evaluator/src/fetch/dev-hub-write.ts), then a check that the file at the new revision has our size and
 * SHA-256 (the hub's LFS ETag), read through the same resolve route validators download from.
 *
 * @example
 * ```ts
 * const { token } = resolveHfToken(process.env)!
 * const receipt = await uploadToHub({ archive: 'build/policy.tar.gz', repo: 'alice/reach', token })
 * ```
 */
export async function uploadToHub(o: HubUploadOptions): Promise<HubUploadReceipt> {
  const hubUrl = (o.hubUrl ?? 'https://huggingface.co').replace(/\/+$/u, '')
  const file = o.file ?? DEFAULT_HUB_FILE
  if (!HF_REPO_PATTERN.test(o.repo)) {
    throw uploadError('MINER_UPLOAD_REPO_INVALID', 'hf', `"${o.repo}" is not a <namespace>/<name> repo id`)
  }
  if (file.startsWith('/') || file.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw uploadError('MINER_UPLOAD_REPO_INVALID', 'hf', `"${file}" is not a relative path inside the repo`)
  }
  if (!o.token.startsWith('hf_')) {
    throw uploadError('MINER_UPLOAD_TOKEN_MALFORMED', 'hf', 'the Hugging Face token does not start with hf_')
  }
  const archive = await inspectArchive(o.archive)
  const repo = { type: 'model' as const, name: o.repo }
  const creds: Creds = { hubUrl, accessToken: o.token, ...(o.signal && { fetch: abortable(o.signal) }) }
  const progress = o.onProgress ?? (() => {})
  let user: string | undefined
  try {
    o.signal?.throwIfAborted()
    progress({ phase: 'checking' })
    const me = await whoAmI(creds)
    user = me.name
    if (me.auth.accessToken?.role === 'read') {
      throw uploadError('MINER_UPLOAD_AUTH_FAILED', 'hf', `the token of ${me.name} is read-only`, { where: o.repo })
    }
    if (!(await repoExists({ repo, ...creds }))) await ensureRepo(o, repo, creds)
    const revision = await commitArchive(o, repo, creds, file, archive, progress)
    progress({ phase: 'verifying' })
    const info = await fileDownloadInfo({ repo, path: file, revision, ...creds })
    const etag = info?.etag.replace(/^W\//u, '').replaceAll('"', '')
    if (!info || info.size !== archive.bytes || (/^[0-9a-f]{64}$/u.test(etag ?? '') && etag !== archive.sha256)) {
      const seen = info ? `${info.size} bytes, etag ${info.etag}` : 'no file'
      throw uploadError(
        'MINER_UPLOAD_VERIFY_FAILED',
        'hf',
        `${o.repo}@${revision}/${file} has ${seen}; uploaded ${archive.bytes} bytes, sha256 ${archive.sha256}`,
        { where: o.repo },
      )
    }
    return {
      kind: 'hf',
      repo: o.repo,
      revision,
      file,
      sha256: archive.sha256,
      bytes: archive.bytes,
      url: `${hubUrl}/${o.repo}/resolve/${revision}/${file}`,
      uploadedAt: new Date().toISOString(),
    }
  } catch (err) {
    throw hubFailure(err, o, user)
  }
}

type Creds = { hubUrl: string; accessToken: string; fetch?: typeof fetch }

/**
 * A fetch bound to the caller's signal. Only `commit` takes a signal of its own, and it listens for a future
 * 'abort' event, so an already-cancelled signal would not stop it; this wrapper covers every call.
 */
function abortable(signal: AbortSignal): typeof fetch {
  return (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal })
}

async function ensureRepo(o: HubUploadOptions, repo: { type: 'model'; name: string }, creds: Creds) {
  if (o.createRepo === false) {
    throw uploadError('MINER_UPLOAD_REPO_NOT_FOUND', 'hf', `${o.repo} does not exist (or is not visible)`, {
      where: o.repo,
      status: 404,
    })
  }
  try {
    await createRepo({ repo, ...creds, visibility: o.private ? 'private' : 'public' })
  } catch (err) {
    // 409: it exists after all (another upload raced us, or it is private and repoExists could not see it).
    if (!(err instanceof HubApiError && err.statusCode === 409)) throw err
  }
}

async function commitArchive(
  o: HubUploadOptions,
  repo: { type: 'model'; name: string },
  creds: Creds,
  file: string,
  archive: { path: string; sha256: string },
  progress: (event: HubUploadProgress) => void,
): Promise<string> {
  const iter = commitIter({
    repo,
    ...creds,
    operations: [{ operation: 'addOrUpdate', path: file, content: await openAsBlob(archive.path) }],
    title: o.message ?? `Upload ${file} (sha256 ${archive.sha256.slice(0, 12)})`,
    description: `sha256: ${archive.sha256}\nuploaded by kinitro miner upload`,
    useXet: false,
    ...(o.signal && { abortSignal: o.signal }),
  })
  for (;;) {
    const step = await iter.next()
    if (step.done) {
      const oid = step.value?.commit.oid ?? ''
      if (!/^[0-9a-f]{40}$/u.test(oid)) {
        throw uploadError('MINER_UPLOAD_VERIFY_FAILED', 'hf', `the hub answered commit id "${oid}", not 40 hex`)
      }
      return oid
    }
    const e = step.value
    if (e.event === 'phase' && e.phase === 'committing') progress({ phase: 'committing' })
    if (e.event === 'fileProgress' && e.state !== 'error') progress({ phase: e.state, fraction: e.progress })
  }
}

/** Maps what the library threw onto our codes; bugs (anything unrecognised) pass through with their stack. */
function hubFailure(err: unknown, o: HubUploadOptions, user: string | undefined): unknown {
  if (err instanceof UploadError) return err
  const where = o.repo
  if (o.signal?.aborted || (err instanceof Error && err.name === 'AbortError')) {
    return uploadError('MINER_UPLOAD_ABORTED', 'hf', 'the upload was cancelled', { where }, err)
  }
  if (err instanceof HubApiError) {
    const status = err.statusCode
    const said = `hub said ${status}: ${err.message}`
    if (status === 401) {
      return uploadError(
        'MINER_UPLOAD_AUTH_FAILED',
        'hf',
        `the hub rejected the token (${said})`,
        { where, status },
        err,
      )
    }
    if (status === 403) {
      const namespace = o.repo.split('/')[0]
      const who = user === undefined ? 'this token' : `the token of ${user}`
      const reason = `${who} may not write to ${namespace}/ (${said})`
      return uploadError('MINER_UPLOAD_AUTH_FAILED', 'hf', reason, { where, status }, err)
    }
    if (status === 404) {
      return uploadError('MINER_UPLOAD_REPO_NOT_FOUND', 'hf', `${o.repo} not found (${said})`, { where, status }, err)
    }
    if (status === 429 || status >= 500) {
      return uploadError('MINER_UPLOAD_HUB_UNAVAILABLE', 'hf', said, { where, status }, err)
    }
    return uploadError('MINER_UPLOAD_HUB_REJECTED', 'hf', said, { where, status }, err)
  }
  // undici reports refused connections, DNS failures and resets as `TypeError: fetch failed` with a cause.
  if (err instanceof TypeError && err.message === 'fetch failed') {
    const cause = (err.cause as { code?: string; message?: string } | undefined) ?? {}
    const reason = `cannot reach ${o.hubUrl ?? 'https://huggingface.co'} (${cause.code ?? cause.message ?? 'network error'})`
    return uploadError('MINER_UPLOAD_HUB_UNAVAILABLE', 'hf', reason, { where }, err)
  }
  return err
}
