import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevHub, startDevHub } from '#evaluator'
import { createDevChain, type DevChain, type Hotkey, parseCommitment } from '#protocol'
import { expertArchive, makeHotkey, policyFolder, runMiner, tempDir } from './helpers.js'

const REPO = 'alice/reach'
const REVISION = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'

describe('kinitro miner commit / verify / show against a dev chain and a dev hub', () => {
  let tmp: ReturnType<typeof tempDir>
  let dev: DevChain
  let hub: DevHub
  let wallets: string
  let archive: { bytes: Buffer; sha256: string }
  let receipt: Record<string, unknown>
  const keys: Record<string, Hotkey> = {}

  beforeAll(async () => {
    tmp = tempDir('kinitro-miner-commit-')
    dev = await createDevChain({ path: join(tmp.dir, 'chain.sqlite'), blockTimeMs: 0 })
    hub = await startDevHub()
    archive = await expertArchive()
    hub.addFile(REPO, REVISION, 'policy.tar.gz', archive.bytes)
    receipt = {
      kind: 'hf',
      repo: REPO,
      revision: REVISION,
      file: 'policy.tar.gz',
      sha256: archive.sha256,
      bytes: archive.bytes.length,
      url: `${hub.url}/${REPO}/resolve/${REVISION}/policy.tar.gz`,
      uploadedAt: new Date().toISOString(),
    }
    wallets = join(tmp.dir, 'wallets')
    for (const name of ['miner', 'dry', 'stranger', 'tamper', 'ref', 'backend', 'space']) {
      keys[name] = await makeHotkey(wallets, name)
      if (name !== 'stranger') await dev.admin.register(1, keys[name]?.ss58 as string)
    }
    await dev.admin.advance(1)
  })
  afterAll(async () => {
    await hub?.stop()
    await dev?.close()
    tmp?.cleanup()
  })

  const chainFlags = (wallet: string) => [
    '--chain-url',
    dev.url,
    '--netuid',
    '1',
    '--wallet-path',
    wallets,
    '--wallet-name',
    wallet,
  ]
  const flags = (wallet: string, dir: string) => [...chainFlags(wallet), '--hub-url', hub.url, '--policy-dir', dir]
  const onChain = async (name: string) => {
    const chain = dev.client(1)
    try {
      const entry = await chain.commitment(keys[name]?.ss58 as string)
      return entry === undefined ? undefined : Buffer.from(entry.data).toString('utf8')
    } finally {
      await chain.close()
    }
  }

  it('commits an HF upload as k1 with the full revision and digest, then verify passes every check', async () => {
    const dir = policyFolder(tmp.dir, 'miner', receipt)
    const commit = await runMiner(['commit', '--competition', 'reach-1', ...flags('miner', dir)], { cwd: tmp.dir })
    expect(commit.exitCode, commit.err).toBeUndefined()
    const text = await onChain('miner')
    expect(parseCommitment(text as string)).toEqual({
      format: 'kinitro-v1',
      repo: REPO,
      revision: REVISION,
      sha256: archive.sha256,
      competitionId: 'reach-1',
    })
    const record = JSON.parse(readFileSync(join(dir, 'build', 'commit.json'), 'utf8'))
    expect(record).toMatchObject({ commitment: text, hotkey: keys['miner']?.ss58, netuid: 1 })
    expect(record.blockHash).toMatch(/^0x[0-9a-f]{64}$/u)
    expect(commit.out).toContain('committed at block')

    const verify = await runMiner(['verify', '--json', ...flags('miner', dir)], { cwd: tmp.dir })
    expect(verify.exitCode, verify.err).toBeUndefined()
    const report = JSON.parse(verify.out)
    expect(report.ok).toBe(true)
    expect(Object.fromEntries(report.checks.map((c: { name: string; status: string }) => [c.name, c.status]))).toEqual({
      chain: 'ok',
      format: 'ok',
      'commit.json': 'ok',
      'upload.json': 'ok',
      download: 'ok',
      policy: 'ok',
    })
    // The download went through the hub's resolve route, without a token, as a validator's does.
    expect(hub.requests.some((r) => r.path === `/${REPO}/resolve/${REVISION}/policy.tar.gz`)).toBe(true)

    // The same commitment again sends nothing and keeps the record.
    const again = await runMiner(['commit', '--competition', 'reach-1', '--json', ...flags('miner', dir)], {
      cwd: tmp.dir,
    })
    expect(JSON.parse(again.out)).toMatchObject({
      status: 'unchanged',
      block: record.block,
      committedAt: record.committedAt,
    })

    const show = await runMiner(['show-commitment', keys['miner']?.ss58 as string, '--json', ...chainFlags('dry')], {
      cwd: tmp.dir,
    })
    expect(JSON.parse(show.out)).toMatchObject({ commitment: text, parsed: { format: 'kinitro-v1', repo: REPO } })
  })

  it('--dry-run prints the commitment and sends nothing', async () => {
    const dir = policyFolder(tmp.dir, 'dry', receipt)
    const run = await runMiner(['commit', '--dry-run', '--json', ...flags('dry', dir)], { cwd: tmp.dir })
    expect(run.exitCode, run.err).toBeUndefined()
    const doc = JSON.parse(run.out)
    expect(doc).toMatchObject({ status: 'dry-run', parsed: { format: 'kinitro-v1', sha256: archive.sha256 } })
    expect(doc.commitment).toBe(`k1:${REPO}@${REVISION}#${Buffer.from(archive.sha256, 'hex').toString('base64url')}`)
    expect(await onChain('dry')).toBeUndefined()
  })

  it('refuses an unregistered hotkey before sending, naming the btcli command', async () => {
    const dir = policyFolder(tmp.dir, 'stranger', receipt)
    const run = await runMiner(['commit', ...flags('stranger', dir)], { cwd: tmp.dir })
    expect(run).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_NOT_REGISTERED' })
    expect(run.err).toContain('btcli subnets register --netuid 1 --wallet.name stranger --wallet.hotkey default')
    expect(await onChain('stranger')).toBeUndefined()
  })

  it('says which wallet path was tried when the hotkey file is missing', async () => {
    const dir = policyFolder(tmp.dir, 'nowallet', receipt)
    const run = await runMiner(['commit', ...flags('nobody', dir)], { cwd: tmp.dir })
    expect(run).toMatchObject({ exitCode: 1, code: 'MINER_WALLET_NOT_FOUND' })
    expect(run.err).toContain(join(wallets, 'nobody', 'hotkeys', 'default'))
    expect(run.err).toContain('kinitro keys create-hotkey --wallet nobody')
  })

  it('a too-long commitment fails with the bytes over and what to shorten', async () => {
    const long = { ...receipt, repo: `alice/${'r'.repeat(40)}` }
    const dir = policyFolder(tmp.dir, 'long', long)
    const run = await runMiner(['commit', '--dry-run', ...flags('dry', dir)], { cwd: tmp.dir })
    expect(run).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_TOO_LARGE' })
    // k1: 88 fixed bytes + a 46-byte repo = 134, 6 over; the repo may keep 40.
    expect(run.err).toContain('134 bytes, 6 over')
    expect(run.err).toContain('shorten the repo name from 46 to at most 40 bytes')
  })

  it('verify fails (exit 1) when the hub serves other bytes than the committed digest', async () => {
    const revision = 'f'.repeat(40)
    hub.addFile(REPO, revision, 'policy.tar.gz', archive.bytes)
    const dir = policyFolder(tmp.dir, 'tamper', { ...receipt, revision })
    expect((await runMiner(['commit', ...flags('tamper', dir)], { cwd: tmp.dir })).exitCode).toBeUndefined()
    const swapped = Buffer.from(archive.bytes)
    swapped[swapped.length - 5] = (swapped[swapped.length - 5] as number) ^ 0xff
    hub.addFile(REPO, revision, 'policy.tar.gz', swapped)
    const run = await runMiner(['verify', ...flags('tamper', dir)], { cwd: tmp.dir })
    expect(run).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_VERIFY_FAILED' })
    expect(run.out).toMatch(/failed\s+download/u)
    expect(run.out).toContain('EVAL_FETCH_DIGEST_MISMATCH')
    expect(run.out).toMatch(/skipped\s+policy/u)
  })

  it('reference format with --encrypt seals the deployment id to the key on the backend hotkey', async () => {
    const { decryptDeploymentId, encodeCommitment, generateX25519KeyPair } = await import('#protocol')
    const pair = generateX25519KeyPair()
    const pk = Buffer.from(pair.publicKey).toString('hex')
    const chain = dev.client(1)
    await chain.setCommitment(
      keys['backend'] as Hotkey,
      encodeCommitment({ format: 'backend-pubkey', keys: 'short', publicKey: pk }),
    )
    await chain.close()
    const deployment = '95edf2b6-e18b-400a-8398-5573df10e5e4'
    const dir = policyFolder(tmp.dir, 'ref', receipt)
    const args = ['commit', '--format', 'reference', '--deployment-id', deployment, '--encrypt']
    const run = await runMiner([...args, '--backend-hotkey', keys['backend']?.ss58 as string, ...flags('ref', dir)], {
      cwd: tmp.dir,
    })
    expect(run.exitCode, run.err).toBeUndefined()
    const parsed = parseCommitment((await onChain('ref')) as string)
    expect(parsed).toMatchObject({ format: 'repo-rev', repo: REPO, revision: REVISION.slice(0, 8) })
    if (parsed.format !== 'repo-rev' || parsed.deployment.kind !== 'encrypted') throw new Error('not encrypted')
    expect(decryptDeploymentId(parsed.deployment.blob, pair.privateKey)).toBe(deployment)
    // Mesh validators do not evaluate it, and verify says so.
    const verify = await runMiner(['verify', ...flags('ref', dir)], { cwd: tmp.dir })
    expect(verify).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_VERIFY_FAILED' })
    expect(verify.out).toContain('reference-compatible backends')
  })

  it('maps the chain’s commitment space limit to MINER_COMMIT_RATE_LIMITED', async () => {
    await dev.admin.setHyperparameters(1, { commitmentMaxSpace: 150 })
    try {
      const first = policyFolder(tmp.dir, 'space1', receipt)
      expect((await runMiner(['commit', ...flags('space', first)], { cwd: tmp.dir })).exitCode).toBeUndefined()
      const second = policyFolder(tmp.dir, 'space2', { ...receipt, revision: 'e'.repeat(40) })
      const run = await runMiner(['commit', ...flags('space', second)], { cwd: tmp.dir })
      expect(run).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_RATE_LIMITED' })
      expect(run.err).toContain('wait for the next epoch')
    } finally {
      await dev.admin.setHyperparameters(1, { commitmentMaxSpace: 3100 })
    }
  })

  it('show of a hotkey without a commitment exits 1 with MINER_COMMIT_NOT_FOUND', async () => {
    const run = await runMiner(['show', keys['stranger']?.ss58 as string, ...chainFlags('dry')], { cwd: tmp.dir })
    expect(run).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_NOT_FOUND' })
  })
})
