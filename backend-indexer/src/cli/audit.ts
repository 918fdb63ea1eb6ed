import { join } from 'node:path'
import { Command } from 'commander'
import { addConfigOptions, DEFAULT_CHAIN_URLS, expandHome, loadConfig, openChain, typedAction } from '#protocol'
import { type AuditReport, auditWeights } from '../audit/audit.js'
import { indexerConfigSchema } from '../options.js'
import { openIndexerStore } from '../store/index.js'

function sourcesFrom(cmd: Command): { file?: string; flags: Record<string, unknown> } {
  const { config, block: _block, json: _json, ...flags } = cmd.opts<Record<string, unknown>>()
  return { file: typeof config === 'string' ? config : undefined, flags }
}

/** Human-readable lines of an audit report. */
export function formatAudit(r: AuditReport): string {
  const lines = [`audit at block ${r.block}: ${r.validators.length} validators, ${r.flagged.length} flagged`]
  for (const v of r.validators) {
    const at = v.announcement === null ? '' : ` (announced at block ${v.announcement.block}, ${v.results} results)`
    const diff = v.maxDiff > 0 ? `, max u16 difference ${v.maxDiff}` : ''
    lines.push(`  ${v.verdict.padEnd(15)} uid ${String(v.uid ?? '-').padStart(3)} ${v.validator}${at}${diff}`)
  }
  return lines.join('\n')
}

/**
 * `kinitro audit --block B`: recompute every validator's weights from the signed log the indexer holds
 * and diff them against what each announced and set on chain. Exit code 1 when any validator is flagged.
 */
export function auditCommand(): Command {
  return addConfigOptions(
    new Command('audit').description(
      'recompute every validator’s weights from the signed log (the indexer’s store) and diff them against what each set on chain',
    ),
    indexerConfigSchema,
  )
    .requiredOption('--block <n>', 'audit the newest weights each validator set at or before this block', (v) => {
      const n = Number(v)
      if (!Number.isSafeInteger(n) || n < 0) throw new Error('--block must be a block number')
      return n
    })
    .option('--json', 'print the report as JSON')
    .action(
      typedAction(async function (this: Command) {
        const { block, json } = this.opts<{ block: number; json?: boolean }>()
        const { config } = loadConfig(indexerConfigSchema, sourcesFrom(this))
        const store = await openIndexerStore(config.store.url ?? join(expandHome(config.dataDir), 'indexer.sqlite'))
        const chain = await openChain({
          kind: config.chain.kind,
          url: config.chain.url ?? DEFAULT_CHAIN_URLS[config.chain.kind],
          netuid: config.netuid,
        })
        try {
          const report = await auditWeights({ store, chain, block })
          console.log(json ? JSON.stringify(report, null, 2) : formatAudit(report))
          if (report.flagged.length > 0) process.exitCode = 1
        } finally {
          await store.close()
          await chain.close()
        }
      }),
    )
}
