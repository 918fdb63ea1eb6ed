import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumEnabled, launchChromium } from '../../../test/utils/browser.js'
import { buildApp } from '../../src/app.js'
import { createFeedHub } from '../../src/feeds/index.js'
import type { FeedHub } from '../../src/feeds/types.js'
import { feedEventOf } from '../../src/observer/events.js'
import type { ScoreSnapshot } from '../../src/scores/types.js'
import { createSqliteStore } from '../../src/store/index.js'
import type { IndexedMessage, IndexerStore } from '../../src/store/types.js'
import {
  COMPETITION,
  commitments,
  DIGEST_1,
  DIGEST_2,
  drivenScores,
  fixedReplays,
  initialMessages,
  jobIdOf,
  jobMessage,
  MINERS,
  REPLAY_FRAMES,
  REPLAY_SUCCESS_STEP,
  resultMessage,
  snapshot,
  statusMessage,
  VALIDATORS,
  weightsMessage,
} from './fixtures.js'

// The dashboard against a real indexer app (SQLite store, feed hub, REST routes) in Debian's Chromium:
// first render, live updates over /v1/feed without a reload, feed resume after a reconnect, the miner and
// validator pages, and an episode replay. Screenshots land in test/artifacts/ for a human look.

const ARTIFACTS = resolve(import.meta.dirname, '../../../test/artifacts')
const enabled = await chromiumEnabled()
const { a, b, c } = MINERS
const [v1, v2] = VALIDATORS as unknown as [string, string]
// Upper bound on waiting for the page to reflect a change (not a speed claim: the machine may be busy).
const WAIT_MS = 10_000
const eventually = <T>(read: () => T | Promise<T>, timeout = WAIT_MS) => expect.poll(read, { timeout })

/** The `scores` channel payload, as the composition root publishes it (the full output stays at /v1/leaderboard). */
function scoresEvent(s: ScoreSnapshot) {
  return { block: s.block, computedAt: s.computedAt, inputsDigest: s.output.inputsDigest, competitions: s.competitions }
}

describe.skipIf(!enabled)('dashboard in Chromium', () => {
  let store: IndexerStore
  let hub: FeedHub
  let app: FastifyInstance
  let browser: Browser
  let page: Page
  let url: string
  const scores = drivenScores(
    snapshot(140, DIGEST_1, [
      [a, [4, 3]],
      [b, [3, 2]],
      [c, [1, 1]],
    ]),
  )
  const jobs = new Map<string, { competitionId: string; minerHotkey: string }>()
  const resultIds: string[] = []
  const pageErrors: string[] = []
  const cspViolations: string[] = []

  /** What the observer does with new messages: store them, then publish one feed event each. */
  async function ingest(messages: IndexedMessage[], publish = true): Promise<void> {
    const outcome = await store.ingest(messages)
    const seqOf = new Map(outcome.inserted.map((x) => [x.id, x.seq]))
    for (const m of messages) {
      if (m.projection.kind === 'job') {
        const { jobId, competitionId, minerHotkey } = m.projection.job
        jobs.set(jobId, { competitionId, minerHotkey })
      }
      if (m.projection.kind === 'result') resultIds.push(m.id)
      const seq = seqOf.get(m.id)
      const event = seq === undefined ? undefined : feedEventOf({ ...m, seq }, (id) => jobs.get(id))
      if (publish && event !== undefined) hub.publish(event)
    }
  }

  const leaderboardOrder = () =>
    page
      .locator('table.leaderboard tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: Record<string, string> }).dataset.hotkey))
  const feedState = (state: string) => page.locator(`#feed-state[data-state="${state}"]`).waitFor()
  const go = async (hash: string) => {
    await page.evaluate((h) => {
      ;(globalThis as unknown as { location: { hash: string } }).location.hash = h
    }, hash)
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    store = await createSqliteStore({ path: ':memory:' })
    hub = createFeedHub({
      heartbeatMs: 1000,
      // As the composition root does: recent rows per channel, the newest scores.
      snapshot: async (channel) => {
        if (channel === 'results') return (await store.results({ limit: 50 })).items
        if (channel === 'jobs') return (await store.jobs({ limit: 50 })).items
        if (channel === 'validators') return await store.validators()
        if (channel === 'scores') return scoresEvent(scores.current() as ScoreSnapshot)
        return null
      },
    })
    scores.onUpdate((s) => hub.publish({ kind: 'scores', data: scoresEvent(s), channels: ['scores'] }))
    await ingest(initialMessages(), false)
    await store.addCommitments(commitments())
    app = await buildApp({ store, scores, feed: hub, replays: fixedReplays(() => resultIds), rateLimit: false })
    url = await app.listen({ host: '127.0.0.1', port: 0 })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text())
    })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await hub?.close()
    await store?.close()
  })

  it('shows the leaderboard in rank order with its chart, the counts and a live feed', async () => {
    await page.goto(`${url}/`)
    await feedState('live')
    await eventually(leaderboardOrder).toEqual([a, b, c])
    await page.locator('[data-count="results"][data-value="3"]').waitFor()
    const board = page.locator(`section.competition[data-competition="${COMPETITION}"]`)
    expect(await board.locator('svg.chart .group').count(), 'one bar group per miner').toBe(3)
    expect(await board.locator('svg.chart .bar').count(), 'one bar per miner per env').toBe(6)
    expect(await board.locator('svg.chart .whisker').count(), 'three lines per whisker').toBe(18)
    expect(await page.locator('#recent-results tbody tr').count()).toBe(3)
  })

  it('applies a new result and a new score snapshot live, without a reload', async () => {
    await page.evaluate(() => {
      ;(globalThis as unknown as { sameDocument: boolean }).sameDocument = true
    })
    const fresh = resultMessage(v2, c, [4, 4], 150)
    await ingest([statusMessage(v2, c, 'done', 8, 149), fresh])
    scores.set(
      snapshot(150, DIGEST_2, [
        [c, [4, 4]],
        [a, [4, 3]],
        [b, [3, 2]],
      ]),
    )

    await page.locator(`#recent-results tr.fresh[data-result="${fresh.id}"]`).waitFor()
    await eventually(leaderboardOrder).toEqual([c, a, b])
    await eventually(() => page.locator('#scored-block').textContent()).toContain('150')
    await page.locator('[data-count="results"][data-value="4"]').waitFor()
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard.png'), fullPage: true })
  })

  it('shows jobs in flight with per-validator progress that follows status updates', async () => {
    await page.click('nav a[data-nav="jobs"]')
    const bRow = page.locator(`#jobs-table tr[data-job="${jobIdOf(b, 1)}"]`)
    const v2OnB = bRow.locator(`.progress-row[data-validator="${v2}"]`)
    await eventually(() => v2OnB.getAttribute('data-state')).toBe('claimed')
    // c's job is done by both validators: not in flight.
    expect(await page.locator(`#jobs-table tr[data-job="${jobIdOf(c, 1)}"]`).count()).toBe(0)

    await ingest([statusMessage(v2, b, 'running', 5, 151)])
    await eventually(() => v2OnB.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('5')
    expect(await v2OnB.getAttribute('data-state')).toBe('running')

    await page.uncheck('#only-in-flight')
    await page.locator(`#jobs-table tr[data-job="${jobIdOf(c, 1)}"]`).waitFor()
  })

  it('resumes the feed after a reconnect and replays exactly the missed event', async () => {
    type Handle = {
      kinitroDashboard: { feed: { stop(): void; start(): void }; store: { state: { feed: { events: number } } } }
    }
    const events = () => page.evaluate(() => (globalThis as unknown as Handle).kinitroDashboard.store.state.feed.events)
    const before = await events()
    await page.evaluate(() => (globalThis as unknown as Handle).kinitroDashboard.feed.stop())
    await feedState('offline')
    await ingest([jobMessage(b, 2, 160)])
    await page.evaluate(() => (globalThis as unknown as Handle).kinitroDashboard.feed.start())
    await feedState('live')
    // Only the feed's replay can bring this row: a resumed subscription gets no snapshot and the page refetches nothing.
    await page.locator(`#jobs-table tr[data-job="${jobIdOf(b, 2)}"]`).waitFor()
    expect(await events()).toBe(before + 1)
  })

  it('shows validator health and weights agreement, updated live', async () => {
    await page.click('nav a[data-nav="validators"]')
    const agreement = (v: string) =>
      page.locator(`#validators-table tr[data-validator="${v}"] [data-agreement]`).getAttribute('data-agreement')
    // v1 announced weights for the first snapshot; the indexer has moved on to the second.
    await eventually(() => agreement(v1)).toBe('differ')
    await ingest([weightsMessage(v1, DIGEST_2, 152)])
    await eventually(() => agreement(v1)).toBe('match')
    expect(await agreement(v2)).toBe('differ')
    expect(await page.locator(`#validators-table tr[data-validator="${v1}"]`).getAttribute('data-health')).toBe('ok')
  })

  it('opens a miner page with standings, commitment history, jobs and results', async () => {
    await page.click('nav a[data-nav="overview"]')
    await page.click(`table.leaderboard tr[data-hotkey="${a}"] a[href^="#/miner/"]`)
    const miner = page.locator(`#miner[data-hotkey="${a}"]`)
    await miner.waitFor()
    await eventually(() => page.locator('section.standing h2').textContent()).toContain('rank #2')
    expect(await page.locator('#commitments tbody tr').count(), 'both commitments of a').toBe(2)
    expect(await page.locator('#miner-results tbody tr').count()).toBe(1)
    expect(await page.locator('section.standing svg.chart .bar').count(), 'one bar per task').toBe(2)
  })

  it('replays an episode: frames advance, the success step is marked on the timeline and in the scene', async () => {
    await go(`#/miner/${encodeURIComponent(c)}`)
    const newest = resultIds[resultIds.length - 1] as string
    await page.click(`#miner-results tr[data-result="${newest}"] a`)
    await page.locator('#episodes tbody tr').first().waitFor()
    expect(await page.locator('#episodes tbody tr').count()).toBe(8)
    await page.click('#episodes tr[data-episode="0"] a.replay-link')

    const replay = page.locator('#replay')
    const frame = async () => Number(await replay.getAttribute('data-frame'))
    await eventually(frame).toBeGreaterThan(0)
    // Slow playback down so a busy machine cannot reach the last frame between two reads.
    await page.selectOption('#replay-speed', '0.25')
    // (If it did finish already, Play starts over from the first frame.)
    if ((await replay.getAttribute('data-playing')) === 'false') await page.click('#replay-play')
    const seen = await frame()
    expect(seen, 'still playing').toBeLessThan(REPLAY_FRAMES - 1)
    await eventually(frame).toBeGreaterThan(seen)

    const marker = page.locator('[data-testid="timeline-success-marker"]')
    expect(await marker.getAttribute('data-frame')).toBe(String(REPLAY_SUCCESS_STEP))
    expect(await page.locator('[data-testid="scene-success-marker"]').count()).toBe(1)
    expect(await page.locator('[data-testid="scene-failure-marker"]').count()).toBe(0)

    // Playback stops on the last frame; by then the scene's marker counts as reached.
    await page.selectOption('#replay-speed', '4')
    await eventually(frame, 20_000).toBe(REPLAY_FRAMES - 1)
    expect(await replay.getAttribute('data-playing')).toBe('false')
    expect(await page.locator('[data-testid="scene-success-marker"].reached').count()).toBe(1)

    // Scrub back to the success step.
    await page.locator('#replay-scrub').evaluate((el, v) => {
      const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean }
      input.value = String(v)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    }, REPLAY_SUCCESS_STEP)
    expect(await frame()).toBe(REPLAY_SUCCESS_STEP)
    expect(await page.locator('#replay-readout').textContent()).toContain(`step ${REPLAY_SUCCESS_STEP} `)
    const trail = await page.locator('svg.scene [data-point="effector"] polyline').getAttribute('points')
    expect(trail?.split(' ').length, 'trail runs through every frame so far').toBe(REPLAY_SUCCESS_STEP + 1)
    await page.screenshot({ path: resolve(ARTIFACTS, 'replay.png'), fullPage: true })
  })

  it('raised no page error and no CSP violation', () => {
    expect(pageErrors).toEqual([])
    expect(cspViolations).toEqual([])
  })
})
