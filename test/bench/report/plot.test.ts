import { describe, expect, it } from 'vitest'
import { formatTick, linearTicks, logTicks, type PlotSpec, renderLinePlot } from './plot.js'

const spec = (over: Partial<PlotSpec> = {}): PlotSpec => ({
  file: 'scaling',
  title: 'first result <s>',
  x: { label: 'miners', log: true },
  y: { label: 'seconds' },
  series: [
    {
      name: '3 validators',
      points: [
        [10, 4],
        [100, 8],
        [1000, 16],
      ],
    },
    {
      name: '8 validators',
      points: [
        [10, 5],
        [100, 12],
      ],
    },
  ],
  ...over,
})

const circles = (svg: string) =>
  [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])])

describe('ticks', () => {
  it('linear ticks are round and cover the range', () => {
    expect(linearTicks(3, 97)).toEqual([0, 20, 40, 60, 80, 100])
    expect(linearTicks(0, 0.3)).toEqual([0, 0.1, 0.2, 0.3])
    expect(linearTicks(0.2, 1.3)).toEqual([0, 0.5, 1, 1.5])
    expect(linearTicks(7, 7)).toEqual([7])
  })

  it('log ticks add 2× and 5× only over short ranges', () => {
    expect(logTicks(10, 1000)).toEqual([10, 20, 50, 100, 200, 500, 1000])
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1000000])
  })

  it('tick labels are short', () => {
    expect([formatTick(1500), formatTick(20000), formatTick(2e6), formatTick(0.25)]).toEqual([
      '1500',
      '20k',
      '2M',
      '0.25',
    ])
  })
})

describe('renderLinePlot', () => {
  it('draws one line per series with markers and a legend entry each, and the title escaped', () => {
    const svg = renderLinePlot(spec())
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.match(/<polyline /g)).toHaveLength(2)
    // 5 data markers + 2 legend markers.
    expect(circles(svg)).toHaveLength(7)
    expect(svg).toContain('>3 validators</text>')
    expect(svg).toContain('>8 validators</text>')
    expect(svg).toContain('<title>first result &lt;s&gt;</title>')
    expect(svg).toContain('miners (log)')
  })

  it('spaces decades evenly on a log x axis and values proportionally on a linear one', () => {
    const [a, b, c] = circles(renderLinePlot(spec()))
    expect(b![0]! - a![0]!).toBeCloseTo(c![0]! - b![0]!, 0)
    const [p, q, r] = circles(renderLinePlot(spec({ x: 'miners' })))
    // Linear: 10 → 100 is a tenth of 100 → 1000.
    expect((r![0]! - q![0]!) / (q![0]! - p![0]!)).toBeCloseTo(10, 0)
    // y grows upwards: 16 s is drawn above 4 s.
    expect(c![1]!).toBeLessThan(a![1]!)
  })

  it('rejects what it cannot draw with BENCH_PLOT_INVALID', () => {
    const invalid = expect.objectContaining({ code: 'BENCH_PLOT_INVALID' })
    expect(() => renderLinePlot(spec({ series: [{ name: 'z', points: [[0, 1]] }] }))).toThrow(invalid)
    expect(() => renderLinePlot(spec({ series: [{ name: 'e', points: [] }] }))).toThrow(invalid)
    expect(() => renderLinePlot(spec({ file: '../escape' }))).toThrow(invalid)
  })
})
