import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { samplePolicyDir } from '#evaluator'
import type { MinerStatus } from '#miner'
import { devChainClient } from '#protocol'
import { chromiumEnabled, launchChromium } from '../utils/browser.js'
import { bannerUrl, runMiner } from '../utils/miner-cli.js'
import { REPO_ROOT, spawnLines } from '../utils/spawn.js'
import { makeTempDir } from '../utils/temp-dir.js'
import { until } from '../utils/until.js'

// Issue 9's acceptance test: the README's run command, exactly as written, then what a user would check.
// The first cycle's weights on chain rank expert > mediocre > random, the indexer's API and the dashboard (in
// chromium) show that order, a miner that commits a new revision mid-run is evaluated in the next cycle, and
// Ctrl-C stops every process. Only the data dir differs from a user's run (an environment variable, so the
// command line is the README's own): the test must not touch a `.kinitro-devnet/` a developer keeps here.

/** The README's run command: the first fenced block under "## Run". */
function readmeRunCommand(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
  const block = /## Run\n[\s\S]*?```sh\n([^\n]+)\n```/u.exec(readme)?.[1]
  if (block === undefined) throw new Error('README.md has no sh block under "## Run"')
  return block.trim()
}

const browserOn = await chromiumEnabled()
// Guards against a hung run, not timing claims: the first cycle took 2–3 min on the 2-core box.
const FIRST_CYCLE_MS = 480_000
const NEXT_CYCLE_MS = 420_000
const STOP_MS = 60_000

interface Miner {
  policy: string
  uid: number
  hotkey: string
  commitment: string
}

function miners(lines: readonly string[]): Miner[] {
  return lines.flatMap((l) => {
    const m = /^miner (\w+)\s+uid (\d+)\s+(\w+)\s+(\S+)/u.exec(l)
    return m === null
      ? []
      : [{ policy: m[1] as string, uid: Number(m[2]), hotkey: m[3] as string, commitment: m[4] as string }]
  })
}

describe('the README run command (`npx kinitro devnet`)', () => {
  it('ranks expert > mediocre > random on chain, in the API and on the dashboard; a new revision is evaluated next cycle; Ctrl-C stops it', async () => {
    const command = readmeRunCommand()
    // `npm ci` has run (this test runs under it); the rest is the devnet itself.
    expect(command).toMatch(/^npm ci && /u)
    const [bin, ...args] = command.replace(/^npm ci && /u, '').split(/\s+/u) as [string, ...string[]]
    expect(`${bin} ${args.join(' ')}`).toBe('npx kinitro devnet')

    const tmp = makeTempDir('kinitro-devnet-readme-')
    const dataDir = join(tmp.dir, 'devnet')
    const dn = spawnLines(bin, args, { env: { KINITRO_DEVNET_DATA_DIR: dataDir }, group: true })
    const pgid = dn.child.pid as number
    const ctrlC = () => {
      try {
        process.kill(-pgid, 'SIGINT')
      } catch {
        // already gone
      }
    }
    const guard = setTimeout(() => void dn.crash(), FIRST_CYCLE_MS + NEXT_CYCLE_MS + STOP_MS)
    let browser: Browser | undefined
    try {
      await dn.waitForLine((l) => l.startsWith('data dir'), FIRST_CYCLE_MS)
      const chainUrl = bannerUrl(dn.lines, 'dev chain')
      const hubUrl = bannerUrl(dn.lines, 'artifact hub')
      const indexerUrl = bannerUrl(dn.lines, 'dashboard')
      const sample = miners(dn.lines)
      expect(sample.map((m) => m.policy)).toEqual(['random', 'mediocre', 'expert'])
      const [random, mediocre, expert] = sample as [Miner, Miner, Miner]

      await dn.waitForLine((l) => l.includes('first cycle complete'), FIRST_CYCLE_MS)
      const out = () => `${dn.lines.join('\n')}\n${dn.stderr()}`

      // Weights on the chain itself (not the devnet's printout): every validator's row ranks them.
      const chain = devChainClient({ url: chainUrl, netuid: 1 })
      const rows = await chain.weights()
      expect(rows.size, out()).toBe(3)
      for (const row of rows.values()) {
        const w = new Map(row)
        expect(w.get(expert.uid) ?? 0, out()).toBeGreaterThan(w.get(mediocre.uid) ?? 0)
        expect(w.get(mediocre.uid) ?? 0, out()).toBeGreaterThan(w.get(random.uid) ?? 0)
      }

      // The indexer's REST API: the same order.
      const board = (await (await fetch(`${indexerUrl}/v1/leaderboard`)).json()) as {
        competitions: { entries: { rank: number; hotkey: string }[] }[]
      }
      const ranked = board.competitions[0]?.entries.sort((a, b) => a.rank - b.rank).map((e) => e.hotkey)
      expect(ranked?.slice(0, 3), out()).toEqual([expert.hotkey, mediocre.hotkey, random.hotkey])

      // The dashboard in chromium: the leaderboard table, in rank order.
      if (browserOn) {
        browser = await launchChromium()
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
        await page.goto(`${indexerUrl}/`)
        const order = () =>
          page
            .locator('table.leaderboard tbody tr')
            .evaluateAll((trs) => trs.map((r) => (r as unknown as { dataset: Record<string, string> }).dataset.hotkey))
        await expect.poll(order, { timeout: 30_000 }).toEqual([expert.hotkey, mediocre.hotkey, random.hotkey])
        // The chart's legend names the three tasks side by side: no entry over another or outside the chart.
        const boxes = await page
          .locator('svg.chart')
          .first()
          .evaluate((svg) => {
            const r = (e: {
              getBoundingClientRect(): { left: number; right: number; top: number; bottom: number }
            }) => {
              const b = e.getBoundingClientRect()
              return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }
            }
            const chart = svg as unknown as Parameters<typeof r>[0] & {
              querySelectorAll(q: string): ArrayLike<Parameters<typeof r>[0]>
            }
            return { chart: r(chart), entries: Array.from(chart.querySelectorAll('.legend')).map(r) }
          })
        expect(boxes.entries).toHaveLength(3)
        for (const [i, a] of boxes.entries.entries()) {
          expect(a.left >= boxes.chart.left && a.right <= boxes.chart.right, `legend ${i} inside the chart`).toBe(true)
          for (const b of boxes.entries.slice(i + 1)) {
            const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top
            expect(apart, `legend entries ${JSON.stringify([a, b])} overlap`).toBe(true)
          }
        }
        const shot = process.env.KINITRO_DASHBOARD_SCREENSHOT
        if (shot !== undefined) await page.screenshot({ path: shot, fullPage: false })
      }

      // Mid-run, the random miner publishes a new revision (the same policy with one more file) through the
      // miner CLI with its own hotkey; the mesh evaluates it in the next cycle.
      const state = JSON.parse(readFileSync(join(dataDir, 'devnet.json'), 'utf8')) as { keys: { miners: string[] } }
      const project = join(tmp.dir, 'random-v2')
      cpSync(samplePolicyDir('random'), project, { recursive: true })
      writeFileSync(join(project, 'CHANGELOG.md'), '# v2\n\nSame policy, new revision.\n')
      writeFileSync(
        join(project, 'kinitro-miner.toml'),
        `[policy]\ncompetition = "devnet-reach"\n\n[hub]\nurl = "${hubUrl}"\nrepo = "devnet/random"\n`,
      )
      const env = {
        HF_TOKEN: 'hf_devnet',
        KINITRO_HOTKEY_MNEMONIC: state.keys.miners[0] as string,
        KINITRO_CHAIN_KIND: 'dev',
        KINITRO_CHAIN_URL: chainUrl,
        KINITRO_INDEXER_URL: indexerUrl,
      }
      for (const step of ['package', 'upload', 'commit']) {
        const r = await runMiner(project, env, [step])
        expect(r.code, `${step}: ${r.out}\n${r.err}`).toBe(0)
      }
      const committed = JSON.parse(readFileSync(join(project, 'build', 'commit.json'), 'utf8')) as {
        commitment: string
        block: number
      }
      expect(committed.commitment).not.toBe(random.commitment)
      expect(committed.commitment).toContain('devnet/random@')
      let status: MinerStatus | undefined
      await until(
        'the new revision evaluated',
        async () => {
          const r = await runMiner(project, env, ['status', '--json'])
          if (r.code !== 0) return false
          status = JSON.parse(r.out) as MinerStatus
          return (
            status.commitment?.text === committed.commitment &&
            status.jobs.some((j) => j.commitmentBlock === status?.commitment?.block && j.results > 0)
          )
        },
        { timeoutMs: NEXT_CYCLE_MS, intervalMs: 3_000 },
      )
      expect(status?.hotkey).toBe(random.hotkey)

      // Ctrl-C, as a terminal sends it (SIGINT to the foreground process group: npx and the devnet). The devnet
      // stops each process it started once, gracefully, and says how each one ended.
      const healthUrls = dn.lines.flatMap((l) => /^validator-\d+.*health (http:\/\/\S+)/u.exec(l)?.[1] ?? [])
      expect(healthUrls).toHaveLength(3)
      ctrlC()
      await until('the devnet stopped', () => dn.lines.includes('devnet stopped'), { timeoutMs: STOP_MS })
      for (const name of ['validator-0', 'validator-1', 'validator-2', 'indexer']) {
        expect(dn.lines, out()).toContain(`${name} stopped (exit 0)`)
      }
      // npx takes the SIGINT as well; it ends by it (a shell reports 130) or with the devnet's 0.
      const { code, signal } = await dn.exited
      expect(code === 0 || signal === 'SIGINT' || code === 130, `code ${code}, signal ${signal}`).toBe(true)
      await until(
        'every devnet process gone',
        () => {
          try {
            process.kill(-pgid, 0)
            return false
          } catch {
            return true
          }
        },
        { timeoutMs: STOP_MS },
      )
      for (const url of healthUrls) await expect(fetch(url, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
    } finally {
      clearTimeout(guard)
      await browser?.close()
      if (dn.child.exitCode === null) {
        ctrlC()
        await Promise.race([dn.exited, new Promise((r) => setTimeout(r, STOP_MS))])
      }
      try {
        process.kill(-pgid, 'SIGKILL')
      } catch {
        // the group is empty
      }
      tmp.cleanup()
    }
  }, 1_020_000)
})
