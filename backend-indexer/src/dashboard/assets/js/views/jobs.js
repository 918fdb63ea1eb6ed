// Jobs in flight: each job with every validator's state and episodes done / total.

import { h, replace, table } from '../dom.js'
import { num, short } from '../format.js'
import { inFlight, sortedJobs } from '../store.js'
import { card, minerLink, note, progress, resultLink } from './parts.js'

const MAX_ROWS = 200

/** Rows for a list of jobs (also used by the miner page). */
export function jobRows(store, jobs) {
  return jobs.map((job) =>
    h(
      'tr',
      { 'data-job': job.jobId, class: store.isFresh(job.jobId) ? 'fresh' : undefined },
      h('td', { class: 'mono', title: job.jobId }, short(job.jobId, 8, 0)),
      h('td', null, minerLink(job.minerHotkey)),
      h('td', null, job.competitionId),
      h('td', { class: 'num' }, num(job.cycle)),
      h('td', { class: 'num' }, `#${num(job.block)}`),
      h(
        'td',
        { class: 'statuses' },
        (job.statuses ?? []).length === 0 ? note('announced, not claimed yet') : job.statuses.map(progress),
      ),
      h(
        'td',
        null,
        (job.results ?? []).map((r) => h('div', null, resultLink(r.messageId))),
      ),
    ),
  )
}

export const JOB_HEADERS = ['Job', 'Miner', 'Competition', 'Cycle', 'Block', 'Validators', 'Results']

export function mountJobs(root, { store }) {
  let onlyInFlight = true
  const toggle = h('input', {
    type: 'checkbox',
    id: 'only-in-flight',
    checked: true,
    onchange: (e) => {
      onlyInFlight = e.target.checked
      render(store.state)
    },
  })
  const body = h('div')
  replace(root, card('Jobs', h('label', { class: 'toggle' }, toggle, ' in flight only'), body))
  const render = (state) => {
    const jobs = sortedJobs(state, onlyInFlight ? inFlight : undefined).slice(0, MAX_ROWS)
    replace(
      body,
      jobs.length === 0
        ? note(state.errors.jobs ?? (onlyInFlight ? 'No job in flight.' : 'No jobs yet.'))
        : table(JOB_HEADERS, jobRows(store, jobs), { id: 'jobs-table' }),
    )
  }
  render(store.state)
  return store.subscribe(render)
}
