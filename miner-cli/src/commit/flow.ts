import { MAX_COMMITMENT_BYTES, parseCommitment } from '#protocol'
import type { MinerIo } from '../cli/io.js'
import { CommitError } from './errors.js'
import { describeCommitment, evaluatedBy, rows } from './format.js'
import { type CommitRecord, readCommitRecord } from './receipt.js'
import type { SubmittedCommitment } from './submit.js'

/** The options of `kinitro miner commit` (besides the config flags). */
export type CommitOpts = {
  receipt?: string
  competition?: string
  format: 'k1' | 'reference'
  deploymentId?: string
  encrypt?: boolean
  backendPublicKey?: string
  backendHotkey?: string
  dryRun?: boolean
  json?: boolean
}

/**
 * The reference-format options must come together: a deployment id, and with `--encrypt` exactly one key
 * source. Checked before anything is read from the chain or the wallet.
 *
 * @throws {@link CommitError} `MINER_COMMIT_OPTIONS_INVALID`.
 */
export function checkReferenceOptions(o: CommitOpts): void {
  const invalid = (option: string, reason: string) =>
    new CommitError({ code: 'MINER_COMMIT_OPTIONS_INVALID', option, reason }, `${option}: ${reason}`)
  const referenceOnly = [o.deploymentId, o.encrypt, o.backendPublicKey, o.backendHotkey].some((v) => v !== undefined)
  if (o.format !== 'reference') {
    if (referenceOnly) throw invalid('--format', 'the deployment and backend options need --format reference')
    return
  }
  if (o.deploymentId === undefined) throw invalid('--deployment-id', 'the reference format needs a deployment id')
  const keys = [o.backendPublicKey, o.backendHotkey].filter((k) => k !== undefined).length
  if (o.encrypt && keys !== 1) {
    throw invalid('--encrypt', 'give exactly one of --backend-public-key <64 hex> or --backend-hotkey <ss58>')
  }
  if (!o.encrypt && keys > 0) throw invalid('--encrypt', 'a backend key is only used with --encrypt; add it')
}

/** `--dry-run`: the commitment, its fields and who would evaluate it. */
export function printDryRun(io: MinerIo, o: CommitOpts, text: string, bytes: number): void {
  const parsed = parseCommitment(text)
  if (o.json) {
    io.out(JSON.stringify({ status: 'dry-run', commitment: text, bytes, parsed }, null, 2))
    return
  }
  io.out(
    rows([
      ['commitment', `${text} (${bytes}/${MAX_COMMITMENT_BYTES} bytes)`],
      ...describeCommitment(parsed),
      ['evaluated by', evaluatedBy(parsed)],
      ['status', 'dry run: nothing sent'],
    ]),
  )
}

/** The record to write; an unchanged commitment keeps the time and hash of the record that made it. */
export function commitRecord(result: SubmittedCommitment, path: string): CommitRecord {
  let previous: CommitRecord | undefined
  try {
    previous = readCommitRecord(path)
  } catch {
    previous = undefined
  }
  const kept =
    result.status === 'unchanged' &&
    previous !== undefined &&
    previous.commitment === result.commitment &&
    previous.hotkey === result.hotkey &&
    previous.netuid === result.netuid &&
    previous.block === result.block
      ? previous
      : undefined
  return {
    commitment: result.commitment,
    hotkey: result.hotkey,
    block: result.block,
    blockHash: kept !== undefined && kept.blockHash !== '' ? kept.blockHash : result.blockHash,
    netuid: result.netuid,
    committedAt: kept?.committedAt ?? new Date().toISOString(),
  }
}
