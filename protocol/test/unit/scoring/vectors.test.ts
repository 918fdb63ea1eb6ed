import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { computeWeights, parseScenario, scenarioToInput } from '../../../src/scoring/index.js'

// Regression snapshots of our own outputs (protocol/test/vectors/scoring/regression-*.json): they catch
// unintended changes; they are not evidence of reference behaviour (the strategy tests are).
const dir = join(import.meta.dirname, '../../vectors/scoring')

describe('scoring regression snapshots', () => {
  const files = readdirSync(dir).filter((f) => f.startsWith('regression-') && f.endsWith('.json'))

  it('has snapshots to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(4)
  })

  for (const file of files) {
    it(file, () => {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        scenario: unknown
        expected: Record<string, unknown>
      }
      const out = computeWeights(scenarioToInput(parseScenario(doc.scenario)))
      expect({
        inputsDigest: out.inputsDigest,
        weights: out.weights,
        u16: out.u16,
        u16Reference: out.u16Reference ?? null,
        points: out.miners.map((m) => ({ hotkey: m.hotkey, points: m.points })),
      }).toEqual(doc.expected)
    })
  }
})
