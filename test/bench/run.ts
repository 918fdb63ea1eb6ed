import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { type Bench, report } from './harness.js'

// Runs every `*.bench.ts` in this folder (or those whose name contains a filter argument), prints each
// table, and writes JSON under bench/results/. `--quick` cuts sizes so CI can smoke-test the harness.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false }, repeats: { type: 'string' } },
})
const here = dirname(fileURLToPath(import.meta.url))
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => positionals.length === 0 || positionals.some((p) => f.includes(p)))
  .sort()
const opts = { repeats: Number(values.repeats ?? (values.quick ? 1 : 3)), scale: values.quick ? 0.05 : 1 }
if (files.length === 0) console.log('no benchmarks matched')
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { bench: Bench }
  const rows = await mod.bench.run(opts)
  // Quick runs are smoke tests: keep them away from the committed full-size results.
  const out = report(mod.bench, rows, opts, values.quick ? 'bench/results/quick' : 'bench/results')
  console.log(`wrote ${out}`)
}
