// One result: its figures per environment and its episodes, each linking to its replay.

import { api } from '../api.js'
import { h, replace, table } from '../dom.js'
import { fixed, num, short } from '../format.js'
import { card, minerLink, note, rateCell, yesNo } from './parts.js'

function render(root, result, episodes) {
  replace(
    root,
    h(
      'section',
      { class: 'card', id: 'result', 'data-result': result.messageId },
      h('h2', null, 'Result ', h('span', { class: 'mono' }, short(result.messageId, 12, 0))),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Miner'),
        h('dd', null, minerLink(result.minerHotkey)),
        h('dt', null, 'Validator'),
        h('dd', { class: 'mono' }, result.validator),
        h('dt', null, 'Competition'),
        h('dd', null, result.competitionId),
        h('dt', null, 'Blocks'),
        h(
          'dd',
          null,
          `started #${num(result.startedAtBlock)}, finished #${num(result.finishedAtBlock)}, published #${num(result.block)}`,
        ),
        h('dt', null, 'Success'),
        h(
          'dd',
          null,
          rateCell(
            result.successRate,
            result.wilsonLow,
            result.wilsonHigh,
            `${result.successes}/${result.episodes} episodes`,
          ),
        ),
        h('dt', null, 'Evaluator'),
        h('dd', null, `${result.evaluatorVersion} · simulator ${result.simulatorVersion}`),
        h('dt', null, 'Trajectory digest'),
        h('dd', { class: 'mono wrap' }, result.trajectoryDigest),
      ),
      table(
        ['Environment', 'Success', 'Episodes', 'Mean reward'],
        (result.perEnv ?? []).map((e) => [
          e.envId,
          rateCell(e.successRate, e.wilsonLow, e.wilsonHigh),
          num(e.episodes),
          fixed(e.meanReward),
        ]),
      ),
    ),
    card(
      'Episodes',
      episodes.length === 0
        ? note('No episodes stored for this result.')
        : table(
            ['#', 'Environment', 'Task', 'Seed', 'Success', 'Reward', 'Steps', 'Error', ''],
            episodes
              .sort((a, b) => a.episodeIndex - b.episodeIndex)
              .map((e) =>
                h(
                  'tr',
                  { 'data-episode': e.episodeIndex },
                  h('td', null, e.episodeIndex),
                  h('td', null, e.envId),
                  h('td', null, e.taskId),
                  h('td', { class: 'mono' }, e.seed),
                  h('td', null, yesNo(e.success)),
                  h('td', { class: 'num' }, fixed(e.totalReward)),
                  h('td', { class: 'num' }, num(e.steps)),
                  h('td', { class: 'mono' }, e.error ?? ''),
                  h(
                    'td',
                    null,
                    h(
                      'a',
                      {
                        href: `#/replay/${encodeURIComponent(result.messageId)}/${e.episodeIndex}`,
                        class: 'replay-link',
                      },
                      'replay ▶',
                    ),
                  ),
                ),
              ),
            { id: 'episodes' },
          ),
    ),
  )
}

export function mountResult(root, _ctx, { resultId }) {
  const ac = new AbortController()
  replace(root, card('Result', note('Loading…')))
  Promise.all([
    api.result(resultId, { signal: ac.signal }),
    api.episodes({ result: resultId, limit: 1000 }, { signal: ac.signal }),
  ])
    .then(([result, page]) => render(root, result, page.items))
    .catch((err) => {
      if (!ac.signal.aborted)
        replace(root, card('Result', note(err.code === 'API_NOT_FOUND' ? 'Unknown result.' : err.message, 'error')))
    })
  return () => ac.abort()
}
