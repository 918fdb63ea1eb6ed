import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StandingExplanation } from '#protocol'
import { type IndexerFixture, runMiner, startIndexer, tempDir } from './helpers.js'

// The hand-built case of helpers.ts: miner 1 (block 200, 0.85) against miner 0 (block 100, 0.80, threshold
// 0.884853): decided on reach-v0, short by 0.034853; 36/40 = 0.900 would hold the task.

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

describe('kinitro miner explain', () => {
  it('names the deciding comparison: opponent, task, bar and margin, and what it would take', async () => {
    const [m0, m1] = fx.miners
    const r = await run('explain', m1, '--competition', 'reach')
    expect(r.code).toBeUndefined()
    const text = r.out.join('\n')
    expect(text).toContain(`${m1} in reach (kinitro-subset-v1): wins no subset`)
    expect(text).toContain(
      `decided by: ${m0} (committed earlier, block 100) on reach-v0: you 0.850, its bar >0.885: short by 0.035`,
    )
    expect(text).toMatch(new RegExp(`reach-v0\\s+need 36/40 = 0\\.900 \\(set by ${m0}\\)\\s+short by 0\\.050`))
  })

  it('the winner sees its thinnest lead and what a challenger would need', async () => {
    const [m0, m1] = fx.miners
    const text = (await run('explain', m0)).out.join('\n')
    expect(text).toContain('wins every subset')
    expect(text).toContain(`thinnest lead: ${m1} (committed later) on reach-v0: it has 0.850, your bar >0.885`)
    expect(text).toContain('a challenger would need >0.885')
  })

  it('--json prints the indexer’s explanation', async () => {
    const r = await run('explain', fx.miners[1], '--json')
    const body = JSON.parse(r.out.join('\n')) as { hotkey: string; competitions: StandingExplanation[] }
    expect(body.hotkey).toBe(fx.miners[1])
    const decisive = body.competitions[0]?.subset?.decisive
    expect(decisive).toMatchObject({ opponent: fx.miners[0], envId: 'reach-v0', favorable: false })
    expect(decisive?.margin).toBeCloseTo(0.85 - 0.884853, 6)
  })

  it('an unknown competition is MINER_STATUS_COMPETITION_NOT_FOUND; an unknown miner MINER_STATUS_NOT_FOUND', async () => {
    const comp = await run('explain', fx.miners[1], '--competition', 'nope')
    expect(comp).toMatchObject({ exitCode: 1, code: 'MINER_STATUS_COMPETITION_NOT_FOUND' })
    const fromConfig = await runMiner(['explain', fx.miners[1], '--indexer-url', fx.url], {
      cwd: tmp.dir,
      env: { KINITRO_POLICY_COMPETITION: 'nope' },
    }).done
    expect(fromConfig.code).toBe('MINER_STATUS_COMPETITION_NOT_FOUND')
    const who = await run('explain', '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY')
    expect(who).toMatchObject({ exitCode: 1, code: 'MINER_STATUS_NOT_FOUND' })
  })

  it('a malformed hotkey argument fails before any request', async () => {
    const r = await run('explain', 'not-a-hotkey')
    expect(r).toMatchObject({ exitCode: 1, code: 'IDENTITY_INVALID_ADDRESS' })
  })

  it('--help describes every option and gives examples', async () => {
    const r = await runMiner(['explain', '--help'], { cwd: tmp.dir }).done
    const help = r.out.join('')
    for (const flag of ['[hotkey]', '--competition', '--json', '--indexer-url', '--wallet-name'])
      expect(help).toContain(flag)
    expect(help).toContain('Examples:')
  })
})
