// Validator health: when each was last heard from, what it did, and whether its weights agree with the
// indexer's own scores.

import { h, replace, table } from '../dom.js'
import { ago, num, short } from '../format.js'
import { card, note } from './parts.js'

// Blocks since a validator's newest message: within FRESH it is healthy, within STALE worth a look.
// 12 s blocks: 50 ≈ 10 min (a few job cycles), 300 ≈ 1 h.
const FRESH_BLOCKS = 50
const STALE_BLOCKS = 300

function health(v, head) {
  if (typeof v.lastSeenBlock !== 'number') return ['down', 'never seen']
  const behind = head - v.lastSeenBlock
  if (behind <= FRESH_BLOCKS) return ['ok', `seen ${behind} blocks ago`]
  if (behind <= STALE_BLOCKS) return ['stale', `silent for ${behind} blocks`]
  return ['down', `silent for ${behind} blocks`]
}

/** Does the validator's newest weights announcement carry the digest of the indexer's snapshot? */
function agreement(v, board) {
  if (!v.lastWeights) return h('span', { class: 'muted' }, 'no weights yet')
  const digest = board?.inputsDigest
  const matches = digest ? v.lastWeights.inputsDigest === digest : v.agreement?.matching > 0
  return h(
    'span',
    {
      class: matches ? 'ok' : 'bad',
      'data-agreement': matches ? 'match' : 'differ',
      title: `its inputs digest ${v.lastWeights.inputsDigest}`,
    },
    matches ? '✓ same inputs' : '✗ different inputs',
  )
}

export function mountValidators(root, { store }) {
  const render = (state) => {
    const list = [...state.validators.values()].sort(
      (a, b) =>
        (a.uid ?? Number.MAX_SAFE_INTEGER) - (b.uid ?? Number.MAX_SAFE_INTEGER) ||
        a.validator.localeCompare(b.validator),
    )
    const rows = list.map((v) => {
      const [level, why] = health(v, state.head)
      return h(
        'tr',
        { 'data-validator': v.validator, 'data-health': level },
        h(
          'td',
          null,
          h('span', { class: `dot health-${level}`, title: why }),
          ' ',
          h('span', { class: 'mono', title: v.validator }, short(v.validator)),
        ),
        h('td', null, v.uid ?? '—'),
        h('td', { class: 'num' }, v.stake ?? '—'),
        h('td', null, v.permitted ? 'yes' : 'no'),
        h('td', null, v.lastSeenBlock == null ? 'never' : `#${num(v.lastSeenBlock)} · ${ago(v.lastSeenAt)}`),
        h('td', { class: 'num' }, num(v.results)),
        h('td', { class: 'num' }, num(v.jobsDone)),
        h(
          'td',
          null,
          v.peer
            ? h(
                'span',
                { title: (v.peer.multiaddrs ?? []).join('\n') },
                `cap ${v.peer.capacity} · ${(v.peer.families ?? []).join(', ')}`,
              )
            : h('span', { class: 'muted' }, 'no peer record'),
        ),
        h('td', null, v.lastWeights ? `#${num(v.lastWeights.block)}` : '—'),
        h('td', null, agreement(v, state.leaderboard)),
      )
    })
    replace(
      root,
      card(
        'Validators',
        rows.length === 0
          ? note(state.errors.validators ?? 'No validator seen yet.')
          : table(
              [
                'Validator',
                'UID',
                'Stake',
                'Permit',
                'Last seen',
                'Results',
                'Jobs done',
                'Peer',
                'Weights',
                'Agreement',
              ],
              rows,
              { id: 'validators-table' },
            ),
      ),
    )
  }
  render(store.state)
  return store.subscribe(render)
}
