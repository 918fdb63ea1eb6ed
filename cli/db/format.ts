import type { MigrationRef } from './schema.js'
import type { BackupReport, DbStatus, MigrateReport, TableRows } from './types.js'

/** `1.5 MiB`-style sizes for people; JSON output keeps exact bytes. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`
}

const steps = (ms: readonly MigrationRef[]): string => ms.map((m) => `${m.version} ${m.name}`).join(', ')

function tableLines(tables: readonly TableRows[]): string[] {
  const width = Math.max(0, ...tables.map((t) => t.name.length))
  return tables.map((t) => `  ${t.name.padEnd(width)}  ${t.rows === null ? 'unreadable' : t.rows}`)
}

/** The human-readable `status` report. */
export function formatStatus(s: DbStatus): string {
  const { schema } = s
  const where = s.kind === 'sqlite' ? 'SQLite file' : 'PostgreSQL'
  const version =
    schema.state === 'current'
      ? `version ${schema.version} (current)`
      : schema.state === 'ahead'
        ? `version ${schema.version}, NEWER than this build's ${schema.codeVersion}: use the kinitro that wrote it`
        : `version ${schema.version} of ${schema.codeVersion}: ${schema.pending.length} pending (${steps(schema.pending)}); run \`kinitro db migrate\``
  const lines = [`${s.store} database: ${s.target} (${where})`, `schema:    ${version}`]
  if (s.sqlite !== undefined) {
    const q = s.sqlite
    lines.push(
      `size:      ${formatBytes(s.sizeBytes)} (${q.pageCount} pages of ${q.pageSize} B, ${q.freePages} free)`,
      `journal:   ${q.journalMode}${q.journalMode === 'wal' ? `, WAL file ${formatBytes(q.walBytes)}` : ''}`,
      `integrity: ${q.integrity === undefined ? 'not checked (--no-check)' : q.integrity.ok ? 'ok (quick_check)' : `DAMAGED (quick_check found ${q.integrity.problems.length})`}`,
    )
    if (q.integrity?.ok === false) lines.push(...q.integrity.problems.map((p) => `  - ${p}`))
  }
  if (s.postgres !== undefined) {
    const p = s.postgres
    lines.push(
      `size:      ${formatBytes(s.sizeBytes)} in this schema (database ${formatBytes(p.databaseBytes)})`,
      `server:    PostgreSQL ${p.serverVersion}${p.inRecovery ? ' (standby: read-only)' : ''}`,
    )
  }
  lines.push(s.tables.length === 0 ? 'tables:    none' : 'tables:', ...tableLines(s.tables))
  return lines.join('\n')
}

/** The human-readable `migrate` report. */
export function formatMigrate(r: MigrateReport): string {
  const head = `${r.store} database: ${r.target}`
  if (r.steps.length === 0) return `${head}\nschema version ${r.from} is current: nothing to do`
  if (r.dryRun)
    return `${head}\nwould migrate ${r.from} → ${r.steps.at(-1)?.version}: ${steps(r.steps)} (dry run: nothing changed)`
  return `${head}\nmigrated ${r.from} → ${r.to}: applied ${steps(r.steps)}`
}

/** The human-readable `backup` report. */
export function formatBackup(r: BackupReport): string {
  const rows = r.tables.reduce((n, t) => n + (t.rows ?? 0), 0)
  return [
    `backed up ${r.store} database ${r.source}`,
    `to ${r.to}: ${formatBytes(r.bytes)}, schema version ${r.schemaVersion}, ${rows} rows in ${r.tables.length} tables, quick_check ok (${r.durationMs} ms)`,
    `restore: stop the ${r.store}, then copy it over ${r.source} (remove any ${r.source}-wal and -shm first)`,
  ].join('\n')
}
