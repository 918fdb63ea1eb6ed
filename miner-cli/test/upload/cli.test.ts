import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createArtifactFetcher, type DevHub, startDevHub } from '#evaluator'
import { uploadReceiptSchema } from '../../src/upload/receipt.js'
import { packagedProject, runUpload, sha256 } from './helpers.js'
import { type LocalS3, startLocalS3 } from './s3rver.js'

const TOKEN = 'hf_cli_secret_value_42'
let hub: DevHub
const dirs: string[] = []
async function project(marker: string) {
  const p = await packagedProject(marker)
  dirs.push(p.dir)
  return p
}
beforeAll(async () => {
  hub = await startDevHub({ users: { [TOKEN]: 'alice' } })
})
afterAll(async () => {
  await hub?.stop()
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function receiptIn(dir: string) {
  return uploadReceiptSchema.parse(JSON.parse(await readFile(join(dir, 'build', 'upload.json'), 'utf8')))
}

describe('kinitro miner upload (hf)', () => {
  it('uploads build/policy.tar.gz, writes build/upload.json, prints the revision and the next step', async () => {
    const { dir, archive } = await project('cli-hf')
    const run = await runUpload(['--hub-url', hub.url, '--hub-repo', 'alice/cli-policy'], dir, { HF_TOKEN: TOKEN })
    expect(run.failure).toBeUndefined()
    const receipt = await receiptIn(dir)
    expect(receipt).toMatchObject({
      kind: 'hf',
      repo: 'alice/cli-policy',
      sha256: sha256(archive),
      bytes: archive.length,
    })
    const text = run.out.join('\n')
    expect(text).toContain(receipt.kind === 'hf' ? receipt.revision : '?')
    expect(text).toContain(sha256(archive))
    expect(text).toContain('next: kinitro miner commit')
    expect(run.err.join('\n')).toContain('token from HF_TOKEN')
    expect([...run.out, ...run.err].join('\n')).not.toContain(TOKEN)

    // What the receipt names is what a validator fetches.
    if (receipt.kind !== 'hf') throw new Error('expected an hf receipt')
    const fetcher = createArtifactFetcher({ cacheDir: join(dir, 'cache'), hubUrl: hub.url, allowInsecureHttp: true })
    const got = await fetcher.fetch({
      kind: 'hf',
      repo: receipt.repo,
      revision: receipt.revision,
      sha256: receipt.sha256,
    })
    expect(got.bytes).toBe(archive.length)
  })

  it('reads hub settings from kinitro-miner.toml and the token from the login file; --json prints the receipt only', async () => {
    const { dir, archive } = await project('cli-json')
    await writeFile(join(dir, 'kinitro-miner.toml'), `[hub]\nurl = "${hub.url}"\nrepo = "alice/from-toml"\n`)
    await mkdir(join(dir, 'home', '.cache', 'huggingface'), { recursive: true })
    await writeFile(join(dir, 'home', '.cache', 'huggingface', 'token'), `${TOKEN}\n`)
    const run = await runUpload(['--json'], dir)
    expect(run.failure).toBeUndefined()
    expect(run.out).toHaveLength(1)
    const printed = JSON.parse(run.out[0] as string)
    expect(printed).toMatchObject({ kind: 'hf', repo: 'alice/from-toml', sha256: sha256(archive) })
    expect(printed.receiptFile).toBe(join(dir, 'build', 'upload.json'))
    const { receiptFile: _, ...receipt } = printed
    expect(await receiptIn(dir)).toEqual(receipt)
  })

  it('takes an archive argument relative to the working folder and --policy-dir for where the receipt goes', async () => {
    const { dir } = await project('cli-arg')
    await mkdir(join(dir, 'elsewhere'))
    await rename(join(dir, 'build', 'policy.tar.gz'), join(dir, 'elsewhere', 'p.tar.gz'))
    await mkdir(join(dir, 'policy'))
    const args = ['elsewhere/p.tar.gz', '--policy-dir', 'policy', '--hub-url', hub.url, '--hub-repo', 'alice/arg']
    const run = await runUpload(args, dir, { HF_TOKEN: TOKEN })
    expect(run.failure).toBeUndefined()
    expect((await receiptIn(join(dir, 'policy'))).kind).toBe('hf')
  })

  it('fails with exit code 1, the error code and a how-to-fix for a missing token, archive or repo', async () => {
    const { dir } = await project('cli-fail')
    const noToken = await runUpload(['--hub-url', hub.url, '--hub-repo', 'alice/x'], dir)
    expect(noToken.failure).toMatchObject({ code: 'MINER_UPLOAD_NO_TOKEN', exitCode: 1 })
    expect(noToken.err.join('\n')).toContain('how to fix: export HF_TOKEN=')

    const noRepo = await runUpload(['--hub-url', hub.url], dir, { HF_TOKEN: TOKEN })
    expect(noRepo.failure).toMatchObject({ code: 'MINER_UPLOAD_REPO_INVALID', exitCode: 1 })

    const wrong = await runUpload(['--hub-url', hub.url, '--hub-repo', 'alice/x'], dir, { HF_TOKEN: 'hf_not_known' })
    expect(wrong.failure).toMatchObject({ code: 'MINER_UPLOAD_AUTH_FAILED', exitCode: 1 })
    expect(wrong.err.join('\n')).toContain('write scope')
    expect(wrong.err.join('\n')).not.toContain('hf_not_known')

    await rm(join(dir, 'build', 'policy.tar.gz'))
    const noArchive = await runUpload(['--hub-url', hub.url, '--hub-repo', 'alice/x'], dir, { HF_TOKEN: TOKEN })
    expect(noArchive.failure).toMatchObject({ code: 'MINER_UPLOAD_ARCHIVE_MISSING', exitCode: 1 })
    expect(noArchive.err.join('\n')).toContain('kinitro miner package')
  })

  it('has complete --help: a description for every option and an example', async () => {
    const { dir } = await project('cli-help')
    const run = await runUpload(['--help'], dir)
    expect(run.failure?.code).toBe('commander.helpDisplayed')
    const help = run.out.join('')
    for (const flag of [
      '--to',
      '--private',
      '--no-create-repo',
      '--message',
      '--json',
      '--hub-repo',
      '--s3-bucket',
      '--policy-dir',
    ]) {
      expect(help).toContain(flag)
    }
    // Every option line carries text after the flag column.
    const options = help.slice(help.indexOf('Options:'), help.indexOf('\n\n', help.indexOf('Options:')))
    const optionLines = options.split('\n').filter((l) => /^\s+-/u.test(l))
    expect(optionLines.length).toBeGreaterThan(10)
    for (const line of optionLines) expect(line.trim().split(/\s{2,}/u).length, line).toBeGreaterThan(1)
    expect(help).toContain('Examples:')
    expect(help).toContain('HF_TOKEN')
  })
})

describe('kinitro miner upload --to s3', () => {
  let s3: LocalS3
  beforeAll(async () => {
    s3 = await startLocalS3(['cli-bucket'])
  })
  afterAll(async () => {
    await s3?.stop()
  })

  it('uploads to the bucket and writes an s3 receipt with the public URL', async () => {
    const { dir, archive } = await project('cli-s3')
    const env = { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey }
    const args = ['--to', 's3', '--s3-bucket', 'cli-bucket', '--s3-endpoint', s3.endpoint, '--s3-region', s3.region]
    args.push('--s3-force-path-style', 'true', '--s3-public-url', 'https://pub-1.r2.dev')
    const run = await runUpload(args, dir, env)
    expect(run.failure).toBeUndefined()
    const receipt = await receiptIn(dir)
    expect(receipt).toMatchObject({
      kind: 's3',
      bucket: 'cli-bucket',
      key: `kinitro/${sha256(archive).slice(0, 16)}.tgz`,
      url: `https://pub-1.r2.dev/kinitro/${sha256(archive).slice(0, 16)}.tgz`,
    })
    expect(run.out.join('\n')).toContain('next: kinitro miner commit')
  })

  it('names the missing credentials', async () => {
    const { dir } = await project('cli-s3-creds')
    const run = await runUpload(['--to', 's3', '--s3-bucket', 'cli-bucket', '--s3-endpoint', s3.endpoint], dir)
    expect(run.failure).toMatchObject({ code: 'MINER_UPLOAD_S3_CONFIG_MISSING', exitCode: 1 })
    expect(run.err.join('\n')).toContain('AWS_ACCESS_KEY_ID')
  })
})
