// Overview: one leaderboard per competition with a success chart, then the newest results.

import { successChart } from '../chart.js'
import { h, replace, table } from '../dom.js'
import { ago, fixed, num, pct, short } from '../format.js'
import { sortedResults } from '../store.js'
import { card, minerLink, note, rateCell, resultLink } from './parts.js'

const RECENT_RESULTS = 15

/** Environments in order of first appearance across a competition's entries. */
export function envIdsOf(entries) {
  const ids = []
  for (const e of entries) for (const env of e.envs ?? []) if (!ids.includes(env.envId)) ids.push(env.envId)
  return ids
}

export function envTitle(env) {
  return `${env.successes}/${env.episodes} episodes succeeded, ${env.validators} validator(s), Wilson 95 %`
}

function standingTable(standing) {
  const entries = [...standing.entries].sort((a, b) => a.rank - b.rank)
  const envIds = envIdsOf(entries)
  const rows = entries.map((e) => {
    const byEnv = new Map((e.envs ?? []).map((x) => [x.envId, x]))
    return h(
      'tr',
      { 'data-hotkey': e.hotkey, 'data-rank': e.rank },
      h('td', { class: 'rank' }, e.rank),
      h('td', null, minerLink(e.hotkey)),
      h('td', null, e.uid ?? '—'),
      h('td', { class: 'num' }, fixed(e.points)),
      h('td', { class: 'num', title: `u16 ${e.u16}` }, pct(e.weight, 2)),
      envIds.map((id) => {
        const env = byEnv.get(id)
        return h('td', null, env ? rateCell(env.successRate, env.wilsonLow, env.wilsonHigh, envTitle(env)) : '—')
      }),
    )
  })
  const chart = successChart(
    entries.map((e) => ({
      label: `#${e.rank} ${short(e.hotkey, 5, 0)}`,
      title: e.hotkey,
      href: `#/miner/${encodeURIComponent(e.hotkey)}`,
      values: (e.envs ?? []).map((env) => ({
        key: env.envId,
        rate: env.successRate,
        lo: env.wilsonLow,
        hi: env.wilsonHigh,
        detail: `(${env.successes}/${env.episodes})`,
      })),
    })),
    envIds,
    { caption: `${standing.name}: success rate per miner per environment` },
  )
  return h(
    'section',
    { class: 'card competition', 'data-competition': standing.id },
    h(
      'h2',
      null,
      standing.name || standing.id,
      h('span', { class: 'sub' }, ` ${standing.id} · ${standing.strategy} · ${num(standing.points)} points`),
    ),
    entries.length === 0
      ? note('No miner has results in this competition yet.')
      : [
          table(['Rank', 'Miner', 'UID', 'Points', 'Weight', ...envIds], rows, { class: 'leaderboard' }),
          h('div', { class: 'chart-wrap' }, chart),
        ],
  )
}

function recentResults(store) {
  const rows = sortedResults(store.state)
    .slice(0, RECENT_RESULTS)
    .map((r) =>
      h(
        'tr',
        { 'data-result': r.messageId, class: store.isFresh(r.messageId) ? 'fresh' : undefined },
        h('td', { class: 'num' }, `#${num(r.block)}`),
        h('td', null, minerLink(r.minerHotkey)),
        h('td', { class: 'mono', title: r.validator }, short(r.validator)),
        h('td', null, r.competitionId),
        h('td', null, rateCell(r.successRate, r.wilsonLow, r.wilsonHigh, `${r.successes}/${r.episodes} episodes`)),
        h('td', { class: 'num' }, num(r.episodes)),
        h('td', null, resultLink(r.messageId, 'episodes →')),
      ),
    )
  return card(
    'Latest results',
    rows.length === 0
      ? note('No results yet.')
      : table(['Block', 'Miner', 'Validator', 'Competition', 'Success', 'Episodes', ''], rows, {
          id: 'recent-results',
        }),
  )
}

export function mountOverview(root, { store }) {
  const render = (state) => {
    const board = state.leaderboard
    replace(
      root,
      board
        ? [
            h(
              'p',
              { class: 'muted', id: 'leaderboard-meta' },
              `Scores at block #${num(board.block)}, computed ${ago(board.computedAt)}; inputs digest `,
              h('span', { class: 'mono', title: board.inputsDigest ?? '' }, short(board.inputsDigest ?? '—', 10, 0)),
            ),
            board.competitions.length === 0 ? card('Leaderboard', note('No competitions.')) : null,
            board.competitions.map(standingTable),
          ]
        : card('Leaderboard', note(state.errors.leaderboard ?? 'No scores computed yet.')),
      recentResults(store),
    )
  }
  render(store.state)
  return store.subscribe(render)
}
