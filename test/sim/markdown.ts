/** A markdown table of plain rows; columns are the union of the rows' keys in first-seen order. */
export function markdownTable(rows: readonly object[]): string {
  if (rows.length === 0) return '(no rows)'
  const cols: string[] = []
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k)
  const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v).replaceAll('|', '\\|'))
  const lines = [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`]
  for (const r of rows) lines.push(`| ${cols.map((c) => cell((r as Record<string, unknown>)[c])).join(' | ')} |`)
  return lines.join('\n')
}
