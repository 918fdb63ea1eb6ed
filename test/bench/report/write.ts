import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type BenchDoc, parseBenchDoc } from './doc.js'
import { renderReport } from './markdown.js'

/** Every bench's latest full-run JSON in `dir` (subfolders such as quick/ are not read), sorted by name. */
export function loadResults(dir: string): BenchDoc[] {
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  return files.sort().map((f) => parseBenchDoc(readFileSync(join(dir, f), 'utf8'), join(dir, f)))
}

/**
 * Regenerate the report: read every JSON in `resultsDir`, apply `patch` (e.g. the benches' current `about`
 * text), write `out` and the plots' SVGs (paths relative to `root`). Returns the files written.
 */
export function writeReport(opts: {
  root: string
  resultsDir: string
  out: string
  patch?: (doc: BenchDoc) => BenchDoc
}): string[] {
  const docs = loadResults(join(opts.root, opts.resultsDir)).map((d) => opts.patch?.(d) ?? d)
  const { markdown, svgs } = renderReport(docs, { plotDir: opts.resultsDir })
  const written: string[] = []
  for (const { path, svg } of svgs) {
    mkdirSync(dirname(join(opts.root, path)), { recursive: true })
    writeFileSync(join(opts.root, path), svg)
    written.push(path)
  }
  writeFileSync(join(opts.root, opts.out), markdown)
  written.push(opts.out)
  return written
}
