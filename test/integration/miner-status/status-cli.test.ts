import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MinerStatus } from '#miner'
import { generateMnemonic, hotkeyFromMnemonic } from '#protocol'
import { hotkeyOf } from '../../../backend-indexer/test/unit/api/dataset.js'
import { type IndexerFixture, runMiner, startIndexer, tempDir, until } from './helpers.js'

let fx: IndexerFixture
const tmp = tempDir()
beforeAll(async () => {
  fx = await startIndexer()
})
afterAll(async () => {
  await fx?.stop()
  tmp.cleanup()
})

const run = (...args: string[]) => runMiner([...args, '--indexer-url', fx.url], { cwd: tmp.dir }).done

/** Failure codes of a miner's failed episodes in the dataset, counted. */
function expectedCodes(hotkey: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const e of fx.d.episodes) {
    if (e.minerHotkey !== hotkey || e.success || e.error === null) continue
    counts.set(e.error, (counts.get(e.error) ?? 0) + 1)
  }
  return counts
}

describe('kinitro miner status', () => {
  it('prints commitment, rank, per-task results with interval, jobs per validator and failure codes', async () => {
    const m1 = fx.miners[1]
    const r = await run('status', m1)
    expect(r.code).toBeUndefined()
    const text = r.out.join('\n')
    expect(text).toContain(`miner ${m1}`)
    expect(text).toContain('commitment hf:kinitro/policy-1@v1 at block 41')
    expect(text).toContain('reach: rank 2, 0 points')
    // 0.85 over 40 episodes: 34 successes, Wilson 95 % [0.709, 0.929].
    expect(text).toMatch(/reach-v0\s+0\.850 \(34\/40\)\s+0\.709–0\.929\s+1/)
    const job = fx.d.jobs.filter((j) => j.minerHotkey === m1).sort((a, b) => b.cycle - a.cycle)[0]
    expect(text).toContain(`cycle ${job?.cycle}`)
    expect(text).toMatch(new RegExp(`${fx.d.validators[0]}\\s+done\\s+\\d+/\\d+`))
    for (const [code, n] of expectedCodes(m1)) expect(text).toContain(`${code} ×${n}`)
  })

  it('--json prints the combined object', async () => {
    const m1 = fx.miners[1]
    const r = await run('status', m1, '--json')
    expect(r.code).toBeUndefined()
    const s = JSON.parse(r.out.join('\n')) as MinerStatus
    expect(s).toMatchObject({ hotkey: m1, indexer: fx.url, commitment: { block: 41, text: 'hf:kinitro/policy-1@v1' } })
    expect(s.competitions).toEqual([
      {
        competitionId: 'reach',
        rank: 2,
        points: 0,
        tasks: [expect.objectContaining({ envId: 'reach-v0', successRate: 0.85, successes: 34, episodes: 40 })],
      },
    ])
    const jobs = fx.d.jobs.filter((j) => j.minerHotkey === m1)
    expect(s.jobs.map((j) => j.jobId).sort()).toEqual(jobs.map((j) => j.jobId).sort())
    expect(s.jobs[0]?.validators).toHaveLength(fx.d.validators.length)
    expect(new Map(s.failures.codes.map((c) => [c.code, c.count]))).toEqual(expectedCodes(m1))
    const failed = fx.d.episodes.filter((e) => e.minerHotkey === m1 && !e.success)
    expect(s.failures.scanned).toBe(failed.length)
    expect(s.failures.unsolved).toBe(failed.filter((e) => e.error === null).length)
    for (const c of s.failures.codes) expect(c.note.length).toBeGreaterThan(10)
  })

  it('an unknown hotkey is MINER_STATUS_NOT_FOUND, with what to do', async () => {
    const r = await run('status', hotkeyOf('nobody').ss58)
    expect(r).toMatchObject({ exitCode: 1, code: 'MINER_STATUS_NOT_FOUND' })
    expect(r.err.join('')).toMatch(/how to fix: .*kinitro miner commit/)
  })

  it('without a hotkey argument it reads the configured hotkey (KINITRO_HOTKEY_MNEMONIC here)', async () => {
    const mnemonic = generateMnemonic()
    const hotkey = await hotkeyFromMnemonic(mnemonic)
    await fx.store.addCommitments([{ minerHotkey: hotkey.ss58, uid: null, block: 77, text: 'k1:me', seenAt: 1 }])
    const r = await runMiner(['status', '--json', '--indexer-url', fx.url], {
      cwd: tmp.dir,
      env: { KINITRO_HOTKEY_MNEMONIC: mnemonic },
    }).done
    expect(r.code).toBeUndefined()
    expect(JSON.parse(r.out.join('\n'))).toMatchObject({ hotkey: hotkey.ss58, commitment: { block: 77 } })
  })

  it('an indexer that does not answer is MINER_STATUS_INDEXER_UNREACHABLE, naming --indexer-url', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port
        s.close(() => resolve(p))
      })
    })
    const r = await runMiner(['status', fx.miners[0], '--indexer-url', `http://127.0.0.1:${port}`], { cwd: tmp.dir })
      .done
    expect(r).toMatchObject({ exitCode: 1, code: 'MINER_STATUS_INDEXER_UNREACHABLE' })
    expect(r.err.join('')).toContain('--indexer-url')
  })

  it('--watch --until scored --json: NDJSON lines, ends on the score event that includes the miner', async () => {
    const m2 = fx.miners[2]
    const watch = runMiner(
      ['status', m2, '--watch', '--until', 'scored', '--timeout', '20', '--json', '--indexer-url', fx.url],
      {
        cwd: tmp.dir,
      },
    )
    await until(() => watch.err.some((l) => l.startsWith('watching')), 'the watch to subscribe')
    const row = fx.d.results.find((x) => x.minerHotkey === m2)
    fx.hub.publish({ kind: 'result', data: row, channels: ['results', `miner:${m2}`] })
    // A recomputation without the miner is no news; the one with it ends the watch.
    fx.publishScores([
      [fx.miners[0], 100, 0.8],
      [fx.miners[1], 200, 0.85],
    ])
    fx.publishScores([
      [fx.miners[0], 100, 0.8],
      [fx.miners[1], 200, 0.85],
      [m2, 300, 0.95],
    ])
    const r = await watch.done
    expect(r.code).toBeUndefined()
    const lines = r.out.map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> })
    expect(lines.map((l) => l.type)).toEqual(['snapshot', 'result', 'score'])
    expect(lines[1]?.data).toMatchObject({ messageId: row?.messageId, minerHotkey: m2 })
    expect(lines[2]?.data).toMatchObject({ competitionId: 'reach', rank: expect.any(Number) })
  })

  it('--watch reconnects after the feed drops and resumes after the last event, missing nothing', async () => {
    const m2 = fx.miners[2]
    // Scores without the miner yet (an earlier case scored it), so the watch waits.
    fx.publishScores([
      [fx.miners[0], 100, 0.8],
      [fx.miners[1], 200, 0.85],
    ])
    const watch = runMiner(
      ['status', m2, '--watch', '--until', 'scored', '--timeout', '30', '--json', '--indexer-url', fx.url],
      { cwd: tmp.dir },
    )
    await until(() => watch.err.some((l) => l.startsWith('watching')), 'the watch to subscribe')
    expect(fx.dropConnections()).toBeGreaterThan(0)
    // Published while the watch is cut off: the reconnect's resume must replay it.
    const row = fx.d.results.find((x) => x.minerHotkey === m2)
    fx.hub.publish({ kind: 'result', data: row, channels: ['results', `miner:${m2}`] })
    await until(() => watch.err.some((l) => l.includes('reconnecting')), 'the watch to notice the drop')
    await until(() => fx.hub.clients() > 0, 'the watch to reconnect', 15_000)
    fx.publishScores([
      [fx.miners[0], 100, 0.8],
      [m2, 300, 0.95],
    ])
    const r = await watch.done
    expect(r.code, r.err.join('\n')).toBeUndefined()
    const lines = r.out.map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> })
    expect(lines.map((l) => l.type)).toEqual(['snapshot', 'result', 'score'])
    expect(lines[1]?.data).toMatchObject({ messageId: row?.messageId, minerHotkey: m2 })
    expect(watch.err.filter((l) => l.startsWith('watching'))).toHaveLength(1)
  })

  it('--watch waits for a miner the indexer does not know yet (right after commit)', async () => {
    const late = hotkeyOf('late').ss58
    const watch = runMiner(
      ['status', late, '--watch', '--until', 'scored', '--timeout', '20', '--indexer-url', fx.url],
      {
        cwd: tmp.dir,
      },
    )
    await until(() => watch.err.some((l) => l.startsWith('watching')), 'the watch to subscribe')
    expect(watch.err.join('\n')).toContain(`the indexer does not know ${late} yet`)
    fx.publishScores([
      [fx.miners[0], 100, 0.8],
      [late, 300, 0.95],
    ])
    const r = await watch.done
    expect(r.code).toBeUndefined()
    expect(r.out.join('\n')).toMatch(/^score\s+reach\s+rank \d+, \d+ points, weight \d\.\d{4}$/m)
  })

  it('--watch --until scored --timeout: MINER_STATUS_WATCH_TIMEOUT when no score comes', async () => {
    const r = await run('status', fx.d.committedOnly, '--watch', '--until', 'scored', '--timeout', '0.5')
    expect(r).toMatchObject({ exitCode: 1, code: 'MINER_STATUS_WATCH_TIMEOUT' })
    expect(r.out.join('\n')).toContain(`miner ${fx.d.committedOnly}`)
  })

  it('--help describes every option and gives examples', async () => {
    const r = await runMiner(['status', '--help'], { cwd: tmp.dir }).done
    expect(r.code).toBe('commander.helpDisplayed')
    const help = r.out.join('')
    for (const flag of [
      '[hotkey]',
      '--json',
      '--watch',
      '--until',
      '--timeout',
      '--episodes',
      '--indexer-url',
      '--wallet-name',
    ])
      expect(help).toContain(flag)
    expect(help).toContain('Examples:')
  })
})
