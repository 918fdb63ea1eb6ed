/** Human text of `kinitro miner status`. `--json` prints the {@link MinerStatus} object instead. */
import type { MinerStatus } from './report.js'

/** Jobs the human view lists (the JSON has every job the indexer returned). */
export const JOBS_SHOWN = 5

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = []
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length)
    })
  }
  return rows.map((r) =>
    (indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).trimEnd(),
  )
}

/** A rate to three decimals. */
export const rate = (x: number): string => x.toFixed(3)

/** The human view of a status report. */
export function formatStatus(s: MinerStatus): string {
  const lines: string[] = []
  const uid = s.uid === null ? 'not registered' : `uid ${s.uid}`
  lines.push(`miner ${s.hotkey} (${uid}), weight ${s.weight.toFixed(4)} (u16 ${s.u16})`)
  lines.push(`indexer ${s.indexer}`)
  lines.push(
    s.commitment === null ? 'commitment: none seen' : `commitment ${s.commitment.text} at block ${s.commitment.block}`,
  )

  if (s.competitions.length === 0) {
    lines.push('', 'scores: none yet (no result counted, or the indexer has not scored since)')
  }
  for (const c of s.competitions) {
    lines.push('', `${c.competitionId}: rank ${c.rank}, ${c.points} points`)
    lines.push(
      ...table([
        ['task', 'success', '95% interval', 'validators'],
        ...c.tasks.map((t) => [
          t.envId,
          `${rate(t.successRate)} (${t.successes}/${t.episodes})`,
          `${rate(t.low)}–${rate(t.high)}`,
          String(t.validators),
        ]),
      ]),
    )
  }

  lines.push('', s.jobs.length === 0 ? 'jobs: none yet' : `jobs (newest ${Math.min(JOBS_SHOWN, s.jobs.length)}):`)
  for (const j of s.jobs.slice(0, JOBS_SHOWN)) {
    lines.push(`  ${j.competitionId} cycle ${j.cycle} (commitment block ${j.commitmentBlock}): ${j.results} result(s)`)
    const states = j.validators.map((v) => [v.validator, v.state, `${v.episodesDone}/${v.episodesTotal}`, v.detail])
    lines.push(...(states.length === 0 ? ['    no validator has claimed it yet'] : table(states, '    ')))
  }
  if (s.jobs.length > JOBS_SHOWN) lines.push(`  … ${s.jobs.length - JOBS_SHOWN} more in --json`)

  const f = s.failures
  const coded = f.scanned - f.unsolved
  lines.push(
    '',
    `failed episodes (the newest ${f.scanned}): ${f.unsolved} did not solve the task, ${coded} ended with a failure code`,
  )
  if (f.codes.length > 0) {
    lines.push(
      ...table(
        f.codes.map((c) => [
          `${c.code} ×${c.count}`,
          c.countsAgainstMiner ? 'yours: counts once reproduced' : 'not scored',
          c.note,
        ]),
      ),
    )
  }
  return lines.join('\n')
}
