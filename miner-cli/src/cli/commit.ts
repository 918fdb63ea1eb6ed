import { join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { addConfigOptions, type Chain, MAX_COMMITMENT_BYTES, parseCommitment, typedAction } from '#protocol'
import { buildMinerCommitment, buildReferenceCommitment } from '../commit/build.js'
import { backendPublicKeyOf, minerChainError, openMinerChain } from '../commit/chain.js'
import { CommitError } from '../commit/errors.js'
import { type CommitOpts, checkReferenceOptions, commitRecord, printDryRun } from '../commit/flow.js'
import { describeCommitment, evaluatedBy, formatVerifyReport, rows } from '../commit/format.js'
import {
  buildDirOf,
  COMMIT_RECORD_FILE,
  readUploadReceipt,
  UPLOAD_RECEIPT_FILE,
  writeCommitRecord,
} from '../commit/receipt.js'
import { submitCommitment } from '../commit/submit.js'
import { verifyCommitment } from '../commit/verify.js'
import { type MinerConfig, minerConfigFrom, minerConfigSchema } from '../config.js'
import { loadMinerHotkey } from '../wallet/hotkey.js'
import type { MinerIo } from './io.js'

/** `kinitro miner commit`, `verify` and `show` (alias `show-commitment`). */
export function addCommitCommands(miner: Command, io: MinerIo): void {
  addCommit(miner, io)
  addVerify(miner, io)
  addShow(miner, io)
}

function addCommit(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('commit')
    .description(
      'put the uploaded policy on chain: build the commitment from build/upload.json and submit it with your hotkey',
    )
    .option('--receipt <file>', `upload receipt to commit (default: <policy dir>/build/${UPLOAD_RECEIPT_FILE})`)
    .option('--competition <id>', 'competition the policy enters (default: policy.competition; absent: every one)')
    .addOption(
      new Option('--format <format>', 'k1: what mesh validators evaluate; reference: repo:rev8:deployment')
        .choices(['k1', 'reference'])
        .default('k1'),
    )
    .option('--deployment-id <id>', 'reference format: the deployment (endpoint) id, a UUID to encrypt')
    .option('--encrypt', 'reference format: seal the deployment id to the backend key (repo:rev8:e:<base85>)')
    .option('--backend-public-key <hex>', 'reference format: the backend X25519 public key, 64 hex characters')
    .option('--backend-hotkey <ss58>', "reference format: read the backend key from this hotkey's commitment")
    .option('--dry-run', 'print the commitment without loading the wallet or sending anything')
    .option('--json', 'print the result as JSON')
  addConfigOptions(cmd, minerConfigSchema, ['netuid', 'chain', 'wallet', 'policy', 'hub'])
  cmd.addHelpText(
    'after',
    `
The commitment (at most ${MAX_COMMITMENT_BYTES} bytes) points validators at the upload and its SHA-256:
  Hugging Face upload  k1:<repo>@<40-hex revision>#<sha256>[:<competition>]
  S3/R2 upload         k1u:<sha256>[/<competition>]:<https url>   (needs s3.publicUrl)
Mesh validators evaluate k1/k1u only; --format reference writes the reference system's
repo:rev8:<deployment> (or repo:rev8:e:<base85> with --encrypt) for reference-compatible backends.
Writes <policy dir>/build/${COMMIT_RECORD_FILE}. An identical commitment already on chain is not sent again.

Examples:
  kinitro miner commit --dry-run
  kinitro miner commit --netuid 1 --wallet-name miner --wallet-hotkey default
  kinitro miner commit --format reference --deployment-id <uuid> --encrypt --backend-hotkey <ss58>`,
  )
  cmd.action(
    typedAction(async function (this: Command) {
      const o = this.opts<CommitOpts>()
      const config = minerConfigFrom(this, io)
      const buildDir = buildDirOf(resolve(io.cwd, config.policy.dir))
      const receipt = readUploadReceipt(
        o.receipt === undefined ? join(buildDir, UPLOAD_RECEIPT_FILE) : resolve(io.cwd, o.receipt),
      )
      checkReferenceOptions(o)
      let chain: Chain | undefined
      try {
        let text: string
        if (o.format === 'reference') {
          let key = o.backendPublicKey
          if (o.encrypt && o.backendHotkey !== undefined) {
            chain = await openMinerChain(config)
            key = await backendPublicKeyOf(chain, o.backendHotkey)
          }
          if (o.competition !== undefined || config.policy.competition !== undefined) {
            io.err('warning: the reference format carries no competition id; it is ignored')
          }
          text = buildReferenceCommitment(receipt, {
            deploymentId: o.deploymentId as string,
            ...(o.encrypt && key !== undefined ? { backendPublicKey: key } : {}),
          })
        } else {
          const competition = o.competition ?? config.policy.competition
          text = buildMinerCommitment(receipt, competition === undefined ? {} : { competition })
        }
        const bytes = Buffer.byteLength(text)
        if (o.dryRun) {
          printDryRun(io, o, text, bytes)
          return
        }
        const loaded = await loadMinerHotkey(config.wallet, io.env, { cwd: io.cwd, warn: io.err })
        chain ??= await openMinerChain(config)
        const result = await submitCommitment({
          chain,
          hotkey: loaded.hotkey,
          text,
          wallet: { name: config.wallet.name, hotkey: config.wallet.hotkey },
        })
        const recordPath = join(buildDir, COMMIT_RECORD_FILE)
        const record = commitRecord(result, recordPath)
        writeCommitRecord(recordPath, record)
        if (o.json) {
          io.out(JSON.stringify({ status: result.status, bytes, ...record, file: recordPath }, null, 2))
          return
        }
        io.out(
          rows([
            ['commitment', `${text} (${bytes}/${MAX_COMMITMENT_BYTES} bytes)`],
            ['hotkey', `${loaded.hotkey.ss58} (${loaded.source === 'env' ? loaded.from : `wallet ${loaded.from}`})`],
            ['netuid', String(result.netuid)],
            [
              'status',
              result.status === 'committed'
                ? `committed at block ${result.block}${result.blockHash ? ` (${result.blockHash})` : ''}`
                : `already on chain since block ${result.block}; nothing sent`,
            ],
            ['wrote', recordPath],
            ['next', 'kinitro miner verify   # download it as a validator would and check the SHA-256'],
          ]),
        )
      } finally {
        await chain?.close()
      }
    }),
  )
}

function addVerify(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('verify')
    .description(
      'check the on-chain commitment as a validator would: parse it, compare with build/, download it, check SHA-256',
    )
    .option('--hotkey <ss58>', 'verify this hotkey instead of your wallet hotkey')
    .option('--json', 'print the report as JSON')
  addConfigOptions(cmd, minerConfigSchema, ['netuid', 'chain', 'wallet', 'policy', 'hub'])
  cmd.addHelpText(
    'after',
    `
Checks: chain (a commitment exists), format (k1 with digest and full revision, or k1u), commit.json and
upload.json (when present in <policy dir>/build), download (from the hub or URL, without a token, SHA-256
checked) and policy (the archive unpacks into a folder the runtime accepts). Exit code 1 when any fails.

Examples:
  kinitro miner verify
  kinitro miner verify --hotkey 5F… --netuid 1 --json`,
  )
  cmd.action(
    typedAction(async function (this: Command) {
      const o = this.opts<{ hotkey?: string; json?: boolean }>()
      const config = minerConfigFrom(this, io)
      const hotkey = o.hotkey ?? (await walletAddress(config, io))
      const chain = await openMinerChain(config)
      try {
        const report = await verifyCommitment({
          chain,
          hotkey,
          buildDir: buildDirOf(resolve(io.cwd, config.policy.dir)),
          hubUrl: config.hub.url,
        })
        io.out(o.json ? JSON.stringify(report, null, 2) : formatVerifyReport(report))
        if (!report.ok) {
          const failed = report.checks.filter((c) => c.status === 'failed').map((c) => c.name)
          throw new CommitError({ code: 'MINER_COMMIT_VERIFY_FAILED', failed }, `verify failed: ${failed.join(', ')}`)
        }
      } finally {
        await chain.close()
      }
    }),
  )
}

function addShow(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('show')
    .alias('show-commitment')
    .description("read any hotkey's commitment from chain and print it parsed (default: your wallet hotkey)")
    .argument('[hotkey]', 'SS58 address of the hotkey (default: the configured wallet hotkey)')
    .option('--json', 'print the commitment as JSON')
  addConfigOptions(cmd, minerConfigSchema, ['netuid', 'chain', 'wallet'])
  cmd.addHelpText(
    'after',
    `
Prints the raw text, the block it was committed at, the parsed fields and who evaluates it. Exit code 1
when the hotkey has no commitment on the subnet.

Examples:
  kinitro miner show
  kinitro miner show-commitment 5F… --netuid 1 --json`,
  )
  cmd.action(
    typedAction(async function (this: Command, hotkeyArg: string | undefined) {
      const o = this.opts<{ json?: boolean }>()
      const config = minerConfigFrom(this, io)
      const hotkey = hotkeyArg ?? (await walletAddress(config, io))
      const chain = await openMinerChain(config)
      try {
        let entry: Awaited<ReturnType<Chain['commitment']>>
        try {
          entry = await chain.commitment(hotkey)
        } catch (err) {
          throw minerChainError(err, config.netuid, hotkey)
        }
        if (entry === undefined) {
          throw new CommitError(
            { code: 'MINER_COMMIT_NOT_FOUND', hotkey, netuid: config.netuid },
            `${hotkey} has no commitment on netuid ${config.netuid}`,
          )
        }
        const text = Buffer.from(entry.data).toString('utf8')
        const parsed = parseCommitment(entry.data)
        if (o.json) {
          const doc = { hotkey, netuid: config.netuid, block: entry.block, commitment: text, parsed }
          io.out(JSON.stringify({ ...doc, bytes: entry.data.length, evaluatedBy: evaluatedBy(parsed) }, null, 2))
          return
        }
        io.out(
          rows([
            ['hotkey', hotkey],
            ['netuid', String(config.netuid)],
            ['block', String(entry.block)],
            ['commitment', `${text} (${entry.data.length} bytes)`],
            ...describeCommitment(parsed),
            ['evaluated by', evaluatedBy(parsed)],
          ]),
        )
      } finally {
        await chain.close()
      }
    }),
  )
}

async function walletAddress(config: MinerConfig, io: MinerIo): Promise<string> {
  return (await loadMinerHotkey(config.wallet, io.env, { cwd: io.cwd, warn: io.err })).hotkey.ss58
}
