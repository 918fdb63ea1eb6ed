import { join, relative, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { addConfigOptions, typedAction } from '#protocol'
import { type MinerConfig, minerConfigFrom, minerConfigSchema } from '../config.js'
import { uploadError } from '../upload/errors.js'
import { type HubUploadProgress, uploadToHub } from '../upload/hf.js'
import { type UploadReceipt, writeUploadReceipt } from '../upload/receipt.js'
import { s3CredentialsFromEnv, uploadToS3 } from '../upload/s3.js'
import { resolveHfToken } from '../upload/token.js'
import type { MinerIo } from './io.js'

interface UploadFlags {
  to: 'hf' | 's3'
  private?: boolean
  createRepo: boolean
  message?: string
  json?: boolean
}

/** Adds `kinitro miner upload [archive]`. */
export function addUploadCommands(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('upload')
    .description(
      'upload the packaged policy to a Hugging Face model repo (default) or an S3/R2 bucket you control, check ' +
        'it arrived intact, and write build/upload.json for `kinitro miner commit`',
    )
    .argument(
      '[archive]',
      'archive to upload (default: <policy dir>/build/policy.tar.gz, from `kinitro miner package`)',
    )
    .addOption(
      new Option('--to <target>', 'where to upload: hf (Hugging Face) or s3 (S3/R2)')
        .choices(['hf', 's3'])
        .default('hf'),
    )
    .option('--private', 'create the hub repo as private (only when upload creates it; validators then need a token)')
    .option('--no-create-repo', 'fail instead of creating the hub repo when it does not exist')
    .option('--message <text>', 'hub commit title (default: "Upload policy.tar.gz (sha256 <12 hex>)")')
    .option('--json', 'print the receipt as JSON on stdout (progress stays on stderr)')
  addConfigOptions(cmd, minerConfigSchema, ['policy.dir', 'hub', 's3'])
  cmd.addHelpText(
    'after',
    `
Credentials are never flags or config values:
  hf  HF_TOKEN, else HUGGING_FACE_HUB_TOKEN, else the token file huggingface-cli login writes
      (HF_TOKEN_PATH, else $HF_HOME/token, else ~/.cache/huggingface/token). It needs write access.
  s3  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (an R2 API token's key pair works the same).
The bucket object is <prefix><sha256>.tar.gz, so uploading the same archive twice is a no-op.

Examples:
  HF_TOKEN=hf_… kinitro miner upload --hub-repo alice/reach-policy
  kinitro miner upload --to s3 --s3-bucket policies \\
      --s3-endpoint https://<account>.r2.cloudflarestorage.com --s3-public-url https://pub-<id>.r2.dev
  kinitro miner upload --json | jq -r .revision
Next: kinitro miner commit`,
  )
  cmd.action(
    typedAction(async function (this: Command, archiveArg: string | undefined) {
      const flags = this.opts<UploadFlags>()
      const config = minerConfigFrom(this, io)
      const policyDir = resolve(io.cwd, config.policy.dir)
      const buildDir = join(policyDir, 'build')
      const archive = archiveArg === undefined ? join(buildDir, 'policy.tar.gz') : resolve(io.cwd, archiveArg)
      const receipt = flags.to === 's3' ? await toS3(archive, config, io) : await toHub(archive, config, flags, io)
      const receiptFile = await writeUploadReceipt(buildDir, receipt)
      if (flags.json) {
        io.out(JSON.stringify({ ...receipt, receiptFile }))
        return
      }
      io.out(describe(receipt, relative(io.cwd, receiptFile) || receiptFile))
    }),
  )
}

async function toHub(archive: string, config: MinerConfig, flags: UploadFlags, io: MinerIo) {
  const repo = config.hub.repo
  if (repo === undefined) {
    throw uploadError('MINER_UPLOAD_REPO_INVALID', 'hf', 'no hub repo configured (--hub-repo or `[hub] repo`)')
  }
  const found = resolveHfToken(io.env)
  if (!found) {
    throw uploadError(
      'MINER_UPLOAD_NO_TOKEN',
      'hf',
      'no Hugging Face token in HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the token file',
    )
  }
  io.err(`uploading ${archive} to ${config.hub.url}/${repo} (token from ${found.source})`)
  return uploadToHub({
    archive,
    repo,
    hubUrl: config.hub.url,
    token: found.token,
    createRepo: flags.createRepo,
    private: flags.private === true,
    ...(flags.message !== undefined && { message: flags.message }),
    onProgress: progressPrinter(io),
  })
}

async function toS3(archive: string, config: MinerConfig, io: MinerIo) {
  const s3 = config.s3
  io.err(`uploading ${archive} to s3://${s3.bucket ?? '?'}/${s3.prefix}…`)
  return uploadToS3({
    archive,
    ...(s3.bucket !== undefined && { bucket: s3.bucket }),
    ...(s3.endpoint !== undefined && { endpoint: s3.endpoint }),
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    prefix: s3.prefix,
    ...(s3.publicUrl !== undefined && { publicUrl: s3.publicUrl }),
    credentials: s3CredentialsFromEnv(io.env),
    log: (text) => io.err(text),
  })
}

/** Phase lines always; percentages only on a terminal, where they redraw in place instead of flooding logs. */
function progressPrinter(io: MinerIo): (e: HubUploadProgress) => void {
  let last = ''
  return (e) => {
    if (!('fraction' in e)) {
      last = e.phase
      io.err(`${e.phase}…`)
      return
    }
    if (io.isTTY) io.err(`\u001b[1A\u001b[2K${e.phase} ${(e.fraction * 100).toFixed(0)}%`)
    else if (last !== e.phase) io.err(`${e.phase}…`)
    last = e.phase
  }
}

function describe(r: UploadReceipt, receiptFile: string): string {
  const lines =
    r.kind === 'hf'
      ? [`uploaded ${r.file} (${r.bytes} bytes) to ${r.repo}`, `  revision  ${r.revision}`]
      : [`uploaded ${r.bytes} bytes to s3://${r.bucket}/${r.key}`]
  lines.push(`  sha256    ${r.sha256}`, `  url       ${r.url}`, `  receipt   ${receiptFile}`)
  if (r.kind === 's3' && r.url.startsWith('s3://')) {
    lines.push('note: without --s3-public-url validators need read credentials for this bucket')
  }
  lines.push('next: kinitro miner commit')
  return lines.join('\n')
}
