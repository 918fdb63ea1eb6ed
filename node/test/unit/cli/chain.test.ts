import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createDevChain, type DevChain, hotkeyFromUri, openChain } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { chainCommand, chainConfigFrom } from '../../../src/cli/chain.js'
import { runCommand } from './run-command.js'

// Runs `kinitro chain <args>` in-process; commander's exits become results.
const run = (init: Parameters<typeof chainCommand>[0], ...args: string[]) =>
  runCommand((io) => chainCommand({ stdout: io.stdout, ...init }), args)

const devs: DevChain[] = []
let tmp: TempDir | undefined
afterEach(async () => {
  for (const d of devs.splice(0)) await d.close()
  tmp?.cleanup()
  tmp = undefined
})
async function dev(): Promise<DevChain> {
  const d = await createDevChain()
  devs.push(d)
  return d
}

describe('kinitro chain (against an in-process dev chain)', () => {
  it('admin register, commit, commitments and metagraph round-trip', async () => {
    const d = await dev()
    const alice = await hotkeyFromUri('//Alice')
    const url = ['--chain-url', d.url]
    expect((await run({}, 'admin', 'register', alice.ss58, ...url)).out).toBe('uid 0\n')
    const commit = await run({}, 'commit', 'hello kinitro', '--uri', '//Alice', ...url)
    expect(commit.exitCode).toBe(0)
    expect(commit.out).toMatch(/^committed at block \d+/)
    expect((await run({}, 'commitments', ...url)).out).toContain(`${alice.ss58}\tblock=0\thello kinitro`)
    const mg = JSON.parse((await run({}, 'metagraph', '--json', ...url)).out)
    expect(mg.neurons[0]).toMatchObject({ uid: 0, hotkey: alice.ss58, stake: '0' })
    expect((await run({}, 'admin', 'advance', '3', ...url)).out).toBe('head 3\n')
  })

  it('weights set / show; a refusal prints its code and exits 1', async () => {
    const d = await dev()
    const alice = await hotkeyFromUri('//Alice')
    const bob = await hotkeyFromUri('//Bob')
    await d.admin.setHyperparameters(1, {
      commitRevealEnabled: false,
      minAllowedWeights: 1,
      tempo: 2,
      weightsRateLimit: 0,
    })
    await d.admin.register(1, alice.ss58)
    await d.admin.register(1, bob.ss58)
    await d.admin.fund(alice.ss58, 10_000n)
    await d.admin.addStake(1, alice.ss58, 10_000n)
    await d.admin.advance(3)
    const url = ['--chain-url', d.url]
    const set = await run({}, 'weights', 'set', '--uri', '//Alice', '--uids', '0,1', '--weights', '1,3', ...url)
    expect(set.exitCode).toBe(0)
    expect((await run({}, 'weights', 'show', ...url)).out).toBe('0\t0:21845 1:65535\n')
    const bad = await run({}, 'weights', 'set', '--uri', '//Alice', '--uids', '0,9', '--weights', '1,1', ...url)
    expect(bad.exitCode).toBe(1)
    expect(bad.err).toContain('CHAIN_WEIGHTS_INVALID')
  })

  it('the chain and subnet come from the node config: TOML file < KINITRO_* env < flags', async () => {
    const d = await dev()
    const alice = await hotkeyFromUri('//Alice')
    await d.admin.register(1, alice.ss58)
    tmp = makeTempDir('kinitro-chain-cli-')
    const file = tmp.file('node.toml')
    writeFileSync(file, `netuid = 1\n[chain]\nkind = "dev"\nurl = "${d.url}"\n`)
    const fromFile = JSON.parse((await run({}, 'metagraph', '--json', '--config', file)).out)
    expect(fromFile.neurons[0]).toMatchObject({ uid: 0, hotkey: alice.ss58 })
    // A flag overrides the file: the dev chain has only subnet 1, so --netuid 2 must reach it and be refused.
    const fromFlag = await run({}, 'metagraph', '--json', '--config', file, '--netuid', '2')
    expect(fromFlag.exitCode).toBe(1)
    expect(fromFlag.err).toContain('CHAIN_SUBNET_NOT_FOUND')
    expect(chainConfigFrom({ config: file, chainKind: 'subtensor', chainUrl: undefined })).toEqual({
      kind: 'subtensor',
      url: d.url,
      netuid: 1,
    })
    expect(chainConfigFrom({ chainKind: 'subtensor' }).url).toBe('wss://entrypoint-finney.opentensor.ai:443')
    const bad = await run({}, 'metagraph', '--config', file, '--chain-kind', 'ethereum')
    expect(bad.exitCode).not.toBe(0)
    expect(bad.err).toContain('ethereum')
  })

  it('a chain that is not there is CHAIN_CONNECTION_FAILED, not a stack trace', async () => {
    const r = await run({}, 'metagraph', '--chain-url', 'http://127.0.0.1:1')
    expect(r.exitCode).toBe(1)
    expect(r.err).toContain('CHAIN_CONNECTION_FAILED')
  })

  it('chain dev listens, serves, and stops on its stop signal', async () => {
    const ac = new AbortController()
    let url = ''
    const running = run(
      {
        stopSignal: ac.signal,
        onListening: (u) => {
          url = u
        },
        logger: undefined,
      },
      'dev',
      '--port',
      '0',
      '--block-time',
      '0',
    )
    while (url === '') await new Promise((r) => setImmediate(r))
    const chain = await openChain({ kind: 'dev', url, netuid: 1 })
    expect((await chain.head()).number).toBe(0)
    await chain.close()
    ac.abort()
    const r = await running
    expect(r.exitCode).toBe(0)
    expect(r.out).toContain(`dev chain listening on ${url}`)
  })

  it('openChain reaches Subtensor over @polkadot/api: a dead endpoint is a clear connection error', async () => {
    // Port 9 (discard) is closed on loopback: the adapter must give up with a typed error, not hang.
    await expect(
      openChain({ kind: 'subtensor', url: 'ws://127.0.0.1:9', netuid: 1, connectTimeoutMs: 2_000 }),
    ).rejects.toMatchObject({
      code: 'CHAIN_CONNECTION_FAILED',
    })
  })
})
