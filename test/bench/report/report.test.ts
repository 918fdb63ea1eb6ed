import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeTempDir } from '../../utils/temp-dir.js'
import { parseBenchDoc } from './doc.js'
import { markdownTable, renderReport } from './markdown.js'
import { collectTargets, whyNotFor } from './targets.js'
import { loadResults, writeReport } from './write.js'

const FIXTURES = join(import.meta.dirname, 'fixtures')
// Set to rewrite expected.md after an intended format change; review the diff before committing it.
const UPDATE = process.env.UPDATE_BENCH_REPORT_FIXTURE === '1'
// Tables are padded to column width; content checks ignore the padding.
const squeeze = (s: string) => s.replace(/ {2,}/g, ' ')

describe('renderReport', () => {
  it('renders the fixture results to the expected markdown', () => {
    const { markdown } = renderReport(loadResults(FIXTURES))
    const expectedFile = join(FIXTURES, 'expected.md')
    if (UPDATE) writeFileSync(expectedFile, markdown)
    expect(markdown).toBe(readFileSync(expectedFile, 'utf8'))
  })

  it('summarises every target with its verdict, and the why of unmet ones', () => {
    const { markdown } = renderReport(loadResults(FIXTURES))
    const summary = squeeze(markdown.split('## Targets')[1]!.split('\n## ')[0]!)
    expect(summary).toContain('3 of 6 judged targets met (2 not judged in these runs).')
    expect(summary).toMatch(
      /FULL · enqueue 1\/txn vs pg-boss \| 5\.2× \| ≥ 10× \(issue 10\) \| \*\*not met\*\* \| both sides/,
    )
    expect(summary).toMatch(/claim\+ack 2 txn\/job vs pg-boss \| 24\.55× \| ≥ 10× \(issue 10\) \| met \| \|/)
    expect(summary).toContain('| n/a | PostgreSQL absent |')
  })

  it('heads the report with the newest run’s machine and flags a bench run elsewhere', () => {
    const markdown = squeeze(renderReport(loadResults(FIXTURES)).markdown)
    expect(markdown).toContain('| OS / kernel | Debian GNU/Linux 12 (bookworm) / Linux 6.18.44 |')
    expect(markdown).toContain('| libraries | better-sqlite3 12.11.1, pg-boss 10.4.2 |')
    expect(markdown).toContain('commit `0123456789ab`')
    expect(markdown).toContain('on a different machine: node v20.19.0')
  })

  it('links one SVG per declared plot under the plot folder', () => {
    const { markdown, svgs } = renderReport(loadResults(FIXTURES), { plotDir: 'out' })
    expect(svgs.map((s) => s.path)).toEqual(['out/queue-ratio.svg'])
    expect(svgs[0]!.svg).toContain('<title>ours ÷ pg-boss</title>')
    expect(markdown).toContain('![ours ÷ pg-boss](out/queue-ratio.svg)')
  })

  it('says so when there are no results', () => {
    expect(renderReport([]).markdown).toContain('No results yet.')
  })
})

describe('markdownTable', () => {
  it('uses the union of columns, escapes pipes and groups big integers', () => {
    const t = markdownTable([{ a: 'x|y', n: 350190 }, { b: 1.5 }])
    expect(t.split('\n')).toEqual([
      '| a    | n       | b   |',
      '| ---- | ------- | --- |',
      '| x\\|y | 350,190 |     |',
      '|      |         | 1.5 |',
    ])
  })
})

describe('free text', () => {
  it('collapses runs of whitespace, which biome would otherwise rewrite in the committed file', () => {
    expect(markdownTable([{ x: 'a  b\nc' }])).toContain('| a b c |')
    const queue = loadResults(FIXTURES).find((d) => d.name === 'queue')!
    const { markdown } = renderReport([{ ...queue, notes: ['one;   two\nthree'] }])
    expect(markdown).toContain('Note: one; two three')
  })
})

describe('collectTargets', () => {
  it('reads verdict columns and target-named columns of tables without structured targets', () => {
    const feed = loadResults(FIXTURES).find((d) => d.name === 'feed')!
    expect(collectTargets(feed).map((t) => [t.label, t.figure, t.target, t.met])).toEqual([
      ['hub · targets: ≥500k sustained', '', '≥500k sustained', false],
      ['hub · targets: p99 ≤100 ms at 20 ev/s', '', 'p99 ≤100 ms at 20 ev/s', true],
      ['(a) sync · end-to-end', '771 resultsPerSec', '', false],
      ['NORMAL · enqueue 100/txn', '350,190 ops/s', '≥ 150,000', true],
      ['naive: ≥80k sustained', '', '≥80k sustained', null],
    ])
    expect(collectTargets(feed)[0]!.whyNot).toBe('the swarm shares the 2 cores')
    expect(collectTargets(feed)[1]!.whyNot).toBeUndefined()
  })

  it("prefers the bench's current reason for a miss, and keeps an unjudged target's own", () => {
    const queue = loadResults(FIXTURES).find((d) => d.name === 'queue')!
    const doc = {
      ...queue,
      targets: [
        { label: 'FULL · enqueue 1/txn', figure: '', target: '', met: false, whyNot: 'stored' },
        { label: 'FULL · claim', figure: '', target: '', met: false, whyNot: 'stored' },
        { label: 'enqueue skipped', figure: '', target: '', met: null, whyNot: 'no PostgreSQL' },
      ],
    }
    expect(collectTargets(doc).map((t) => t.whyNot)).toEqual([
      'both sides wait for one fsync per job',
      'stored',
      'no PostgreSQL',
    ])
  })

  it('picks the whyNot text whose key the label contains, or the catch-all', () => {
    expect(whyNotFor({ enqueue: 'A', '*': 'B' }, 'FULL · enqueue 1/txn')).toBe('A')
    expect(whyNotFor({ enqueue: 'A', '*': 'B' }, 'claim')).toBe('B')
    expect(whyNotFor({ enqueue: 'A' }, 'claim')).toBeUndefined()
    expect(whyNotFor({ '*': 'B', 'FULL · x': 'C', 'FULL · x vs y': 'D' }, 'FULL · x vs y')).toBe('D')
  })
})

describe('results files', () => {
  it('rejects a file that is not a bench result, naming it', () => {
    expect(() => parseBenchDoc('{"name": "x"}', 'x.json')).toThrow(
      expect.objectContaining({ code: 'BENCH_RESULT_INVALID', meta: expect.objectContaining({ file: 'x.json' }) }),
    )
    expect(() => parseBenchDoc('not json', 'y.json')).toThrow(expect.objectContaining({ code: 'BENCH_RESULT_INVALID' }))
  })

  it('writes the report and plots from every JSON in the folder, ignoring quick/', () => {
    const tmp = makeTempDir('kinitro-bench-report-')
    try {
      const results = join(tmp.dir, 'bench/results')
      mkdirSync(join(results, 'quick'), { recursive: true })
      for (const f of ['queue.json', 'feed.json']) {
        writeFileSync(join(results, f), readFileSync(join(FIXTURES, f)))
      }
      const quick = { ...parseBenchDoc(readFileSync(join(FIXTURES, 'queue.json'), 'utf8'), 'q'), name: 'quickonly' }
      writeFileSync(join(results, 'quick', 'quickonly.json'), JSON.stringify(quick))
      const written = writeReport({
        root: tmp.dir,
        resultsDir: 'bench/results',
        out: 'BENCHMARKS.md',
        patch: (d) => (d.name === 'feed' ? { ...d, about: 'patched about text' } : d),
      })
      expect(written).toEqual(['bench/results/queue-ratio.svg', 'BENCHMARKS.md'])
      const md = readFileSync(join(tmp.dir, 'BENCHMARKS.md'), 'utf8')
      expect(md).toContain('## queue')
      expect(md).toContain('## feed')
      expect(md).toContain('patched about text')
      expect(md).not.toContain('quickonly')
      expect(existsSync(join(results, 'queue-ratio.svg'))).toBe(true)
    } finally {
      tmp.cleanup()
    }
  })
})
