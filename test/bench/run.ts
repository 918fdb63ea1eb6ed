import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { type Bench, report } from './harness.js'
import type { BenchDoc } from './report/doc.js'
import { writeReport } from './report/write.js'

// Runs every `*.bench.ts` in this folder (or those whose name contains a filter argument), prints each
// table, writes JSON under bench/results/, then regenerates BENCHMARKS.md from every JSON there, so a
// partial run keeps the other benches' figures. `--quick` cuts sizes so CI can smoke-test the harness; its
// JSON goes to bench/results/quick/ and the report is left alone. `--report` only regenerates the report.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    repeats: { type: 'string' },
    report: { type: 'boolean', default: false },
  },
})
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const RESULTS = 'bench/results'

async function load(file: string): Promise<Bench> {
  return ((await import(pathToFileURL(join(here, file)).href)) as { bench: Bench }).bench
}

const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()

if (!values.report) {
  const files = all.filter((f) => positionals.length === 0 || positionals.some((p) => f.includes(p)))
  const opts = { repeats: Number(values.repeats ?? (values.quick ? 1 : 3)), scale: values.quick ? 0.05 : 1 }
  if (files.length === 0) console.log('no benchmarks matched')
  for (const f of files) {
    const bench = await load(f)
    try {
      const result = await bench.run(opts)
      // Quick runs are smoke tests: keep them away from the committed full-size results.
      console.log(`wrote ${report(bench, result, opts, values.quick ? `${RESULTS}/quick` : RESULTS)}`)
    } catch (err) {
      // One failing bench must not cost the others their run; the exit code still says it failed.
      console.error(`bench ${bench.name} failed:`, err)
      process.exitCode = 1
    }
  }
}

if (values.report || !values.quick) {
  // The benches' current texts win over those stored with older results, so editing `about` or `whyNot`
  // shows up with `--report` alone. A module that no longer loads keeps its stored texts.
  const texts = new Map<string, Bench>()
  for (const f of all) {
    try {
      const b = await load(f)
      texts.set(b.name, b)
    } catch (err) {
      console.error(`report: ${f} did not load, using the texts stored in its JSON`, err)
    }
  }
  const patch = (doc: BenchDoc): BenchDoc => {
    const b = texts.get(doc.name)
    if (b === undefined) return doc
    return { ...doc, about: b.about ?? doc.about, columns: b.columns ?? doc.columns, whyNot: b.whyNot ?? doc.whyNot }
  }
  for (const file of writeReport({ root, resultsDir: RESULTS, out: 'BENCHMARKS.md', patch })) {
    console.log(`wrote ${file}`)
  }
}
