import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MinerStatus } from '#miner'
import { devChainAdmin, generateMnemonic, writeHotkeyFile } from '#protocol'
import { bannerUrl, runMiner as miner } from '../utils/miner-cli.js'
import { spawnTs } from '../utils/spawn.js'
import { makeTempDir } from '../utils/temp-dir.js'
import { until } from '../utils/until.js'

// Issue 8's whole path, as a new miner walks it, against a running `kinitro devnet` (dev chain, 2 validator
// processes, the indexer): init → eval → package → upload (the devnet's hub stand-in) → commit (signed by the
// miner's own hotkey) → verify → the mesh evaluates it in the next cycle → `status` shows its scores.

describe('a new miner, from an idea to a scored policy', () => {
  it('init → eval → package → upload → commit → verify → evaluated by the mesh → status', async () => {
    const tmp = makeTempDir('kinitro-miner-e2e-')
    const dn = spawnTs('cli/main.ts', [
      'devnet',
      '--fresh',
      '--data-dir',
      join(tmp.dir, 'devnet'),
      '--validators',
      '2',
      '--miners',
      'random',
      // One task keeps the cycle short; the new miner's template solves it.
      '--tasks',
      'mujoco/reach-v1',
      '--block-ms',
      '500',
      '--cycle-blocks',
      '20',
      '--timeout',
      '840',
    ])
    const guard = setTimeout(() => void dn.crash(), 880_000)
    try {
      await dn.waitForLine((l) => l.startsWith('data dir'), 240_000)
      const chainUrl = bannerUrl(dn.lines, 'dev chain')
      const hubUrl = bannerUrl(dn.lines, 'artifact hub')
      const indexerUrl = bannerUrl(dn.lines, 'dashboard')

      // The miner's own hotkey in a btcli wallet tree, registered on the subnet (btcli's job on a real chain).
      const wallets = join(tmp.dir, 'wallets')
      const { hotkey } = await writeHotkeyFile({
        wallet: 'newbie',
        hotkey: 'default',
        path: wallets,
        secret: { mnemonic: generateMnemonic() },
      })
      await devChainAdmin(chainUrl).register(1, hotkey.ss58)
      const env = {
        HF_TOKEN: 'hf_devnet',
        KINITRO_CHAIN_KIND: 'dev',
        KINITRO_CHAIN_URL: chainUrl,
        KINITRO_NETUID: '1',
        KINITRO_WALLET_NAME: 'newbie',
        KINITRO_WALLET_PATH: wallets,
        KINITRO_HUB_URL: hubUrl,
        KINITRO_INDEXER_URL: indexerUrl,
      }

      const project = join(tmp.dir, 'reach-policy')
      const init = await miner(tmp.dir, env, [
        'init',
        project,
        '--template',
        'python',
        '--repo',
        'devnet/newbie',
        '--competition',
        'devnet-reach',
      ])
      expect(init.code, init.err).toBe(0)
      expect(existsSync(join(project, 'kinitro-miner.toml'))).toBe(true)

      const evaluated = await miner(project, env, ['eval', '--episodes', '2', '--max-steps', '40', '--json'])
      expect(evaluated.code, evaluated.err).toBe(0)
      const evalJson = JSON.parse(evaluated.out) as { tasks: { envId: string; episodes: number }[] }
      expect(evalJson.tasks.length).toBeGreaterThan(0)

      const packaged = await miner(project, env, ['package', '--json'])
      expect(packaged.code, packaged.err).toBe(0)
      const sha256 = (JSON.parse(packaged.out) as { archive: { sha256: string } }).archive.sha256
      expect(sha256).toMatch(/^[0-9a-f]{64}$/u)

      const uploaded = await miner(project, env, ['upload', '--json'])
      expect(uploaded.code, uploaded.err).toBe(0)
      const receipt = JSON.parse(uploaded.out) as { revision: string; sha256: string }
      expect(receipt.sha256).toBe(sha256)
      expect(receipt.revision).toMatch(/^[0-9a-f]{40}$/u)

      const committed = await miner(project, env, ['commit', '--json'])
      expect(committed.code, committed.err).toBe(0)
      const commitment = (JSON.parse(committed.out) as { commitment: string }).commitment
      expect(commitment).toContain(`devnet/newbie@${receipt.revision}`)

      const verified = await miner(project, env, ['verify', '--json'])
      expect(verified.code, `${verified.out}\n${verified.err}`).toBe(0)

      // The indexer process loads in 10-20 s under tsx; the watch below starts once it answers.
      await until('the indexer answering', async () => (await fetch(`${indexerUrl}/health`)).ok, {
        timeoutMs: 180_000,
        retryErrors: true,
      })
      // The mesh picks the commitment up at the next cycle; `status --watch --until scored` follows the feed.
      const watched = await miner(project, env, ['status', '--watch', '--until', 'scored', '--timeout', '600'])
      expect(watched.code, `${watched.out}\n${watched.err}\n${dn.lines.join('\n')}`).toBe(0)
      const status = await miner(project, env, ['status', '--json'])
      expect(status.code, status.err).toBe(0)
      const s = JSON.parse(status.out) as MinerStatus
      expect(s.hotkey).toBe(hotkey.ss58)
      expect(s.commitment?.text).toBe(commitment)
      // Scored in the devnet's competition from the validators' signed results, episodes and all.
      const standing = s.competitions.find((c) => c.competitionId === 'devnet-reach')
      expect(standing?.rank).toBeGreaterThanOrEqual(1)
      const reach = standing?.tasks.find((t) => t.envId === 'mujoco/reach-v1')
      expect(reach?.episodes).toBeGreaterThan(0)
      expect(reach?.validators).toBeGreaterThanOrEqual(1)
      expect(s.jobs.some((j) => j.results > 0)).toBe(true)
      expect(readFileSync(join(project, 'build', 'commit.json'), 'utf8')).toContain(commitment)
    } finally {
      clearTimeout(guard)
      dn.child.kill('SIGINT')
      await dn.exited
      tmp.cleanup()
    }
  }, 900_000)
})
