import type { ParsedCommitment } from '#protocol'
import type { VerifyReport } from './verify.js'

/** Label/value rows, aligned on the longest label. */
export function rows(list: Array<[label: string, value: string]>): string {
  const width = Math.max(...list.map(([label]) => label.length))
  return list.map(([label, value]) => `${label.padEnd(width + 2)}${value}`).join('\n')
}

/** Whether mesh validators evaluate a commitment, and why not. */
export function evaluatedBy(c: ParsedCommitment): string {
  if (c.format === 'kinitro-v1-url') return 'mesh validators (k1u: URL + digest)'
  if (c.format === 'kinitro-v1') {
    if (c.sha256 === undefined) return 'nobody: k1 without #digest is not evaluated'
    if (!/^[0-9a-f]{40}$/u.test(c.revision)) return 'nobody: mesh validators need a full 40-hex revision'
    return 'mesh validators (k1: hub repo + digest)'
  }
  if (c.format === 'invalid' || c.format === 'backend-pubkey') return 'nobody (not a miner commitment)'
  return 'reference-compatible backends only (mesh validators evaluate k1/k1u)'
}

/** The fields of a parsed commitment as rows, in words a miner can check. */
export function describeCommitment(c: ParsedCommitment): Array<[string, string]> {
  const comp = (id: string | undefined): [string, string] => ['competition', id ?? '(every competition)']
  switch (c.format) {
    case 'kinitro-v1':
      return [
        ['format', 'kinitro-v1 (k1)'],
        ['repo', c.repo],
        ['revision', c.revision],
        ['sha256', c.sha256 ?? '(none)'],
        comp(c.competitionId),
      ]
    case 'kinitro-v1-url':
      return [['format', 'kinitro-v1-url (k1u)'], ['url', c.url], ['sha256', c.sha256], comp(c.competitionId)]
    case 'repo-rev':
    case 'new-json':
      return [
        ['format', c.format],
        ['repo', c.repo],
        ['revision', c.revision],
        ['deployment', deployment(c.deployment)],
      ]
    case 'deployment':
      return [
        ['format', 'deployment'],
        ['deployment', deployment(c.deployment)],
      ]
    case 'backend-pubkey':
      return [
        ['format', 'backend-pubkey'],
        ['public key', c.publicKey],
      ]
    case 'old-json':
      return [['format', 'old-json'], ['provider', c.provider], ['repo', c.repoId], comp(c.competitionId)]
    case 'invalid':
      return [
        ['format', 'invalid'],
        ['reason', `${c.reason}: ${c.detail}`],
      ]
  }
}

function deployment(d: { kind: 'plain'; id: string } | { kind: 'encrypted'; blob: string }): string {
  return d.kind === 'plain' ? d.id : `encrypted (${d.blob.length} chars; only the backend's key opens it)`
}

/** The verify report as one line per check. */
export function formatVerifyReport(report: VerifyReport): string {
  const lines = [`hotkey ${report.hotkey} on netuid ${report.netuid}`]
  for (const c of report.checks) lines.push(`${c.status.padEnd(8)}${c.name.padEnd(13)}${c.detail}`)
  const failed = report.checks.filter((c) => c.status === 'failed').length
  lines.push(report.ok ? 'all checks passed' : `${failed} check(s) failed`)
  return lines.join('\n')
}
