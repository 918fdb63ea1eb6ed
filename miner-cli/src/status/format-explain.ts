/** Human text of `kinitro miner explain`: protocol's StandingExplanation in words. */
import type {
  ComparisonBar,
  DecisiveComparison,
  StandingExplanation,
  StandingStatus,
  SubsetDecider,
  SubsetExplanation,
  WtaExplanation,
  WtaNeed,
} from '#protocol'
import { rate, table } from './format.js'

const STATUS_WORDS: Record<StandingStatus, string> = {
  'wins-all': 'wins every subset',
  'wins-some': 'wins some subsets',
  'wins-none': 'wins no subset',
  unregistered: 'not registered on the subnet (register the hotkey to compete)',
  'not-evaluated': 'no result counted yet',
  leader: 'the leader',
  'awaiting-approval': 'queued for the subnet owner’s approval',
  eligible: 'eligible, not leading',
  ineligible: 'not eligible',
}

/** `>0.885` (must exceed), `≥0.700` (must reach), or why nothing clears it. */
export function bar(b: ComparisonBar): string {
  const text = `${b.strict ? '>' : '≥'}${rate(b.rate)}`
  return b.reachable ? text : `${text} (unreachable at this episode count)`
}

const signed = (x: number, good: string, badWord: string) => `${x >= 0 ? good : badWord} by ${rate(Math.abs(x))}`

function relationWords(relation: SubsetDecider['relation'], block: number | undefined): string {
  const at = block === undefined ? '' : `, block ${block}`
  if (relation === 'earlier') return `committed earlier${at}`
  if (relation === 'same-block') return `same block${at}, lower uid`
  return `committed later${at}`
}

function decisiveLine(d: DecisiveComparison, block: number | undefined): string {
  const who = `${d.opponent} (${relationWords(d.relation, block)})`
  if (d.relation === 'earlier') {
    return `${who} on ${d.envId}: you ${rate(d.rate)}, its bar ${bar(d.bar)}: ${signed(d.margin, 'clear', 'short')}`
  }
  return `${who} on ${d.envId}: it has ${rate(d.otherRate)}, your bar ${bar(d.bar)}: ${
    d.favorable ? `it stays below by ${rate(Math.abs(d.margin))}` : `it clears it by ${rate(Math.abs(d.margin))}`
  }`
}

function deciderLines(d: SubsetDecider): string[] {
  const only = d.sole > 0 ? ` (${d.sole} only to it)` : ''
  const head = `  ${d.hotkey} (${relationWords(d.relation, d.block)}): ${d.subsetsLost} subset(s) lost${only}; it won ${d.subsetsWon}`
  const rows = d.comparisons.map((c) =>
    d.relation === 'earlier'
      ? [c.envId, `you ${rate(c.rate)}`, `its bar ${bar(c.minerBar)}`, signed(c.margin, 'clear', 'short')]
      : [
          c.envId,
          `it ${rate(c.otherRate)}`,
          `your bar ${bar(c.otherBar)}`,
          c.favorable ? `it stays below by ${rate(Math.abs(c.margin))}` : `it clears by ${rate(Math.abs(c.margin))}`,
        ],
  )
  return [head, ...table(rows, '    ')]
}

function subsetLines(s: SubsetExplanation): string[] {
  const lines: string[] = []
  const blockOf = new Map(s.deciders.map((d) => [d.hotkey, d.block]))
  if (s.decisive !== null) {
    const label = s.deciders.length > 0 ? 'decided by' : 'thinnest lead'
    lines.push('', `${label}: ${decisiveLine(s.decisive, blockOf.get(s.decisive.opponent))}`)
  }
  if (s.ineligibleTasks.length > 0) {
    lines.push(
      '',
      `below the performance floor on ${s.ineligibleTasks.join(', ')}: ${s.subsetsLostToFloor} subset(s) lost (needs at least one success above the floor)`,
    )
  }
  if (s.deciders.length > 0) {
    lines.push('', 'comparisons that cost subsets:')
    for (const d of s.deciders) lines.push(...deciderLines(d))
  }
  lines.push('', 'to hold each task against the current field (at your episode count):')
  lines.push(
    ...table(
      s.requirements.map((r) => {
        const by = r.bindingHotkey === null ? '' : ` (set by ${r.bindingHotkey})`
        if (r.neededRate === null) return [r.envId, `no rate holds it${by}`]
        const need = `need ${r.neededSuccesses}/${r.episodes} = ${rate(r.neededRate)}${by}`
        const state = r.holds
          ? `holds, ${signed(r.margin ?? 0, 'ahead', 'short')}`
          : signed(r.margin ?? 0, 'ahead', 'short')
        return [r.envId, need, state, `a challenger would need ${bar(r.challengerBar)}`]
      }),
    ),
  )
  if (s.epsilonDominatedBy !== null && s.epsilonDominatedBy.length > 0) {
    lines.push('', `ε-Pareto: dominated by ${s.epsilonDominatedBy.join(', ')} (reported only; not what pays)`)
  }
  return lines
}

function needLine(n: WtaNeed): string {
  const name = n.metric === 'successRate' ? 'success rate' : 'reward'
  const have = n.current === null ? 'none' : rate(n.current)
  return `  ${name} ${n.strict ? '>' : '≥'} ${rate(n.value)}: have ${have} ${n.met ? '✓' : '✗'}`
}

function wtaLines(w: WtaExplanation): string[] {
  const lines = ['']
  const figures =
    w.successRate === null
      ? `no figures: tasks without a result: ${w.missingTasks.join(', ')}`
      : `success rate ${rate(w.successRate)}, reward ${w.avgReward === null ? 'none' : rate(w.avgReward)} (episode-weighted over the tasks)`
  lines.push(figures)
  if (w.leader !== null && !w.isLeader) {
    const l = w.leader
    const sr = l.successRate === null ? 'no figures' : `success ${rate(l.successRate)}`
    lines.push(`leader ${l.hotkey} (${sr}${l.reward === null ? '' : `, reward ${rate(l.reward)}`})`)
  }
  if (w.needs.length > 0) lines.push('needs:', ...w.needs.map(needLine))
  if (w.approvalRequired && (w.eligible || w.needs.length > 0)) {
    lines.push('  then the subnet owner approves queued candidates (approval mode)')
  }
  if (w.challengerNeeds.length > 0) lines.push('a challenger would need:', ...w.challengerNeeds.map(needLine))
  return lines
}

/** The human view of one competition's explanation. */
export function formatExplanation(e: StandingExplanation): string {
  const lines = [`${e.hotkey} in ${e.competitionId} (${e.strategy}): ${STATUS_WORDS[e.status]}`]
  const s = e.subset
  if (s !== null) {
    const place = s.position === null ? 'not a contender' : `position ${s.position} of ${s.contenders} in commit order`
    lines.push(
      `  ${place}; ${s.subsets.won} of ${s.subsets.total} subsets, ${e.points} of ${s.subsets.possiblePoints} points; weight ${e.weight.toFixed(4)}`,
    )
  }
  lines.push(
    '',
    ...table([
      ['task', 'you', '95% interval', 'episodes'],
      ...e.tasks.map((t) =>
        t.evaluated
          ? [
              t.envId,
              `${rate(t.successRate)} (${t.successes}/${t.episodes})`,
              `${rate(t.interval.low)}–${rate(t.interval.high)}`,
              String(t.episodes),
            ]
          : [t.envId, 'no result', '', '0'],
      ),
    ]),
  )
  if (s !== null) lines.push(...subsetLines(s))
  if (e.wta !== null) lines.push(...wtaLines(e.wta))
  return lines.join('\n')
}
