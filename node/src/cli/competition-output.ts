import { readFileSync } from 'node:fs'
import type { CandidatesSnapshot } from '../health/candidates.js'
import type { CompetitionInfo } from '../health/competitions.js'
import type { RelayAnswer } from '../health/relay.js'
import { CompetitionError } from './competition-errors.js'

const HEX = /^(?:[0-9a-f]{2})+$/i

/**
 * Read a file of hex envelopes, one per line (`#` comments and blank lines skipped), the format of the
 * node's `mesh.manifests`. Stricter than the node's reader: a stray character is an error here, because
 * `Buffer.from(text, 'hex')` would silently cut the envelope short and the node would call it malformed.
 *
 * @throws {@link CompetitionError} `NODE_COMPETITION_BAD_FILE`.
 */
export function readEnvelopeLines(path: string): Uint8Array[] {
  const bad = (reason: string) =>
    new CompetitionError({ code: 'NODE_COMPETITION_BAD_FILE', path, reason }, `${path}: ${reason}`)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw bad(`cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  const out: Uint8Array[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    if (!HEX.test(line)) throw bad(`line ${i + 1} is not hex`)
    out.push(new Uint8Array(Buffer.from(line, 'hex')))
  }
  if (out.length === 0) throw bad('no envelope in it')
  return out
}

/** One competition in two lines: identity and schedule, then what is evaluated and how it is scored. */
export function showCompetition(c: CompetitionInfo): string {
  const state = c.state === 'active' && c.cycle !== null ? `active, cycle ${c.cycle}` : c.state
  const end = c.endBlock === 0 ? 'open-ended' : `${c.endBlock}`
  const tasks = c.tasks.map((t) => (t.taskId === t.envId.split('/').pop() ? t.envId : `${t.envId}:${t.taskId}`))
  const params = Object.entries(c.scoring.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  return [
    `${c.id} "${c.name}" [${state}] blocks ${c.startBlock} → ${end}, cycle ${c.cycleLengthBlocks} blocks, points ${c.points}, manifest block ${c.block}`,
    `  tasks ${tasks.join(', ')}; ${c.episodesPerTask} episodes × ${c.maxSteps} steps; scoring ${c.scoring.strategy}${params === '' ? '' : ` (${params})`}`,
  ].join('\n')
}

/** What a relay answer was about: a manifest's id and block, an owner action, or the type. */
function subjectOf(a: RelayAnswer): string {
  if (a.competition !== null) return `${a.competition.id} (block ${a.competition.block})`
  const act = a.action
  if (act === null) return a.type ?? 'envelope'
  const target = act.candidateId ?? `${act.miner}${act.envIds.length > 0 ? ` [${act.envIds.join(', ')}]` : ''}`
  return `${act.kind} ${target} in ${act.competitionId} (block ${act.block})`
}

/** One relay answer in one line: the verdict, what it was about, and the code with its fix when refused. */
export function showRelay(a: RelayAnswer): string {
  const what = subjectOf(a)
  if (a.result === 'accepted') {
    const stale = a.competition?.current === false ? '; a newer manifest for this id is current' : ''
    return `accepted ${what}, message ${a.messageId?.slice(0, 16) ?? '?'}${stale}`
  }
  return `${a.result} ${what}: ${a.code}${a.fix === null ? '' : ` — ${a.fix}`}`
}

/** A competition's candidates, one per line, with the figures `approve` will sign. */
export function showCandidates(c: CandidatesSnapshot): string {
  const head = `${c.competitionId} at block ${c.head}: strategy ${c.strategy}, leader ${c.leader ?? 'none'}`
  if (!c.reviewed) return `${head}\n  no leader candidates: only kinitro-wta-v0 competitions are reviewed`
  const lines = [head]
  if (c.approved !== null) lines.push(`  approved ${c.approved.candidateId}`)
  if (c.candidates.length === 0) lines.push('  no candidates')
  for (const x of c.candidates) {
    lines.push(`  ${x.candidateId}  success ${x.successRate.toFixed(4)}  reward ${x.avgReward.toFixed(4)}`)
  }
  if (c.rejected.length > 0) lines.push(`  rejected: ${c.rejected.join(', ')}`)
  return lines.join('\n')
}
