// One miner: standings per competition with per-task success and intervals, commitment history, recent
// jobs and results. Fetched once, then kept current from the shared state the feed updates.

import { api } from '../api.js'
import { successChart } from '../chart.js'
import { h, replace, table } from '../dom.js'
import { ago, fixed, num, pct, short } from '../format.js'
import { sortedJobs, sortedResults } from '../store.js'
import { JOB_HEADERS, jobRows } from './jobs.js'
import { envTitle } from './leaderboard.js'
import { card, note, rateCell, resultLink } from './parts.js'

const RECENT = 20

/** Standings from the live scores when they list the miner, else from the miner document. */
function standingsOf(state, hotkey, doc) {
  const board = state.leaderboard
  if (board) {
    const live = board.competitions.flatMap((c) =>
      c.entries
        .filter((e) => e.hotkey === hotkey)
        .map((e) => ({
          competitionId: c.id,
          name: c.name,
          rank: e.rank,
          points: e.points,
          envs: e.envs,
          weight: e.weight,
          u16: e.u16,
          uid: e.uid,
        })),
    )
    if (live.length > 0) return live
  }
  return doc.standings ?? []
}

function standingCard(s) {
  const envs = s.envs ?? []
  return h(
    'section',
    { class: 'card standing', 'data-competition': s.competitionId },
    h(
      'h2',
      null,
      `${s.name ?? s.competitionId}`,
      h('span', { class: 'sub' }, ` rank #${s.rank} · ${fixed(s.points)} points`),
    ),
    table(
      ['Task (environment)', 'Success', 'Successes / episodes', 'Validators'],
      envs.map((env) => [
        env.envId,
        rateCell(env.successRate, env.wilsonLow, env.wilsonHigh, envTitle(env)),
        `${num(env.successes)} / ${num(env.episodes)}`,
        num(env.validators),
      ]),
      { class: 'envs' },
    ),
    envs.length > 0
      ? h(
          'div',
          { class: 'chart-wrap' },
          successChart(
            envs.map((env) => ({
              label: env.envId,
              values: [{ key: s.competitionId, rate: env.successRate, lo: env.wilsonLow, hi: env.wilsonHigh }],
            })),
            [s.competitionId],
            { caption: `success per task in ${s.competitionId}` },
          ),
        )
      : null,
  )
}

function render(root, store, doc) {
  const state = store.state
  const hotkey = doc.hotkey
  const standings = standingsOf(state, hotkey, doc)
  const first = standings[0]
  const results = sortedResults(state, (r) => r.minerHotkey === hotkey).slice(0, RECENT)
  const jobs = sortedJobs(state, (j) => j.minerHotkey === hotkey).slice(0, RECENT)
  replace(
    root,
    h(
      'section',
      { class: 'card', id: 'miner', 'data-hotkey': hotkey },
      h('h2', null, 'Miner ', h('span', { class: 'mono' }, hotkey)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'UID'),
        h('dd', null, doc.uid ?? first?.uid ?? '—'),
        h('dt', null, 'Weight'),
        h('dd', { id: 'miner-weight' }, pct(first?.weight ?? doc.weight, 2)),
        h('dt', null, 'u16'),
        h('dd', null, num(first?.u16 ?? doc.u16)),
        h('dt', null, 'Ranks'),
        h(
          'dd',
          null,
          standings.length === 0 ? 'unranked' : standings.map((s) => `#${s.rank} in ${s.competitionId}`).join(', '),
        ),
      ),
    ),
    standings.length === 0 ? card('Standings', note('No scored results yet.')) : standings.map(standingCard),
    card(
      'Commitment history',
      (doc.commitments ?? []).length === 0
        ? note('No commitment seen.')
        : table(
            ['Block', 'UID', 'Commitment', 'Seen'],
            doc.commitments.map((c) => [
              `#${num(c.block)}`,
              c.uid ?? '—',
              h('span', { class: 'mono wrap' }, c.text),
              ago(c.seenAt),
            ]),
            { id: 'commitments' },
          ),
    ),
    card('Recent jobs', jobs.length === 0 ? note('No jobs.') : table(JOB_HEADERS, jobRows(store, jobs))),
    card(
      'Recent results',
      results.length === 0
        ? note('No results.')
        : table(
            ['Block', 'Validator', 'Competition', 'Success', 'Per task', ''],
            results.map((r) =>
              h(
                'tr',
                { 'data-result': r.messageId, class: store.isFresh(r.messageId) ? 'fresh' : undefined },
                h('td', null, `#${num(r.block)}`),
                h('td', { class: 'mono', title: r.validator }, short(r.validator)),
                h('td', null, r.competitionId),
                h(
                  'td',
                  null,
                  rateCell(r.successRate, r.wilsonLow, r.wilsonHigh, `${r.successes}/${r.episodes} episodes`),
                ),
                h(
                  'td',
                  null,
                  (r.perEnv ?? []).map((e) =>
                    h('div', { class: 'perenv' }, `${e.envId} `, rateCell(e.successRate, e.wilsonLow, e.wilsonHigh)),
                  ),
                ),
                h('td', null, resultLink(r.messageId, 'episodes →')),
              ),
            ),
            { id: 'miner-results' },
          ),
    ),
  )
}

export function mountMiner(root, { store }, { hotkey }) {
  const ac = new AbortController()
  let doc
  let unsubscribe = () => {}
  replace(root, card('Miner', note('Loading…')))
  Promise.all([
    api.miner(hotkey, { signal: ac.signal }),
    api.results({ miner: hotkey, limit: RECENT }, { signal: ac.signal }),
  ])
    .then(([miner, page]) => {
      doc = miner
      for (const job of miner.recentJobs ?? []) store.upsertJob(job)
      for (const row of page.items) store.upsertResult(row)
      render(root, store, doc)
      unsubscribe = store.subscribe(() => render(root, store, doc))
    })
    .catch((err) => {
      if (ac.signal.aborted) return
      const text = err.code === 'API_NOT_FOUND' ? `No miner ${hotkey} is known to this indexer.` : err.message
      replace(root, card('Miner', note(text, 'error')))
    })
  return () => {
    ac.abort()
    unsubscribe()
  }
}
