import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { CompetitionError } from '../../../src/cli/competition-errors.js'
import { readEnvelopeLines } from '../../../src/cli/competition-output.js'
import { retiredManifest } from '../../../src/cli/competition-owner.js'
import {
  buildManifest,
  DEFAULT_CYCLE_LENGTH_BLOCKS,
  parseTask,
  readSpecFile,
  specFrom,
} from '../../../src/cli/competition-spec.js'
import { competitionInfo } from '../../../src/health/competitions.js'

const base = { id: 'reach', tasks: ['mujoco/reach-v1'], episodesPerTask: 4, maxSteps: 100 }

function specIssues(fn: () => unknown): { field: string; problem: string }[] {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(CompetitionError)
    expect((err as CompetitionError).code).toBe('NODE_COMPETITION_BAD_SPEC')
    const meta = (err as CompetitionError).meta
    return meta.code === 'NODE_COMPETITION_BAD_SPEC' ? meta.issues : []
  }
  throw new Error('expected NODE_COMPETITION_BAD_SPEC')
}

let tmp: TempDir | undefined
afterEach(() => tmp?.cleanup())

describe('competition spec: TOML file and flags', () => {
  it('fills defaults, and flags override the file (tasks replaced, params merged)', () => {
    const spec = specFrom(base, {})
    expect(spec).toEqual({
      ...base,
      scoring: { strategy: 'kinitro-subset-v1', params: {} },
      endBlock: 0,
      points: 1,
      cycleLengthBlocks: DEFAULT_CYCLE_LENGTH_BLOCKS,
    })
    const file = { ...base, scoring: { strategy: 'kinitro-wta-v0', params: { a: 1 } }, points: 2 }
    const merged = specFrom(file, {
      id: 'other',
      task: ['mujoco/push-v1:far', 'mujoco/reach-v1'],
      param: ['b=0.5'],
      points: '3',
      cycleLength: '50',
      startBlock: '10',
      endBlock: '500',
    })
    expect(merged).toMatchObject({
      id: 'other',
      tasks: ['mujoco/push-v1:far', 'mujoco/reach-v1'],
      scoring: { strategy: 'kinitro-wta-v0', params: { a: 1, b: 0.5 } },
      points: 3,
      cycleLengthBlocks: 50,
      startBlock: 10,
      endBlock: 500,
    })
  })

  it('lists every bad field at once: missing, unknown key, non-numeric flag, bad --param', () => {
    const issues = specIssues(() =>
      specFrom({ tasks: [], episodes: 3, maxSteps: 10 }, { episodesPerTask: 'many', param: ['novalue', 'x=abc'] }),
    )
    const fields = issues.map((i) => i.field)
    expect(fields).toEqual(expect.arrayContaining(['--param', 'id', 'tasks', 'episodes', 'episodesPerTask']))
    expect(issues.filter((i) => i.field === '--param')).toHaveLength(2)
    expect(issues.find((i) => i.field === 'episodes')?.problem).toBe('no such key')
  })

  it('reads a TOML spec with task tables; a broken file names itself', () => {
    tmp = makeTempDir('kinitro-spec-')
    const path = tmp.file('c.toml')
    writeFileSync(
      path,
      [
        'id = "pick"',
        'tasks = ["mujoco/reach-v1", { envId = "mujoco/pick-place-v1", params = { size = "small" } }]',
        'episodesPerTask = 2',
        'maxSteps = 80',
        '[scoring]',
        'strategy = "kinitro-subset-v1"',
      ].join('\n'),
    )
    const spec = specFrom(readSpecFile(path), {})
    expect(spec.tasks.map(parseTask)).toEqual([
      { envId: 'mujoco/reach-v1', taskId: 'reach-v1' },
      { envId: 'mujoco/pick-place-v1', taskId: 'pick-place-v1', params: { size: 'small' } },
    ])
    writeFileSync(path, 'id = ')
    expect(specIssues(() => readSpecFile(path))[0]?.field).toBe('--spec')
    expect(specIssues(() => readSpecFile(tmp?.file('missing.toml') as string))[0]?.problem).toContain('cannot read')
  })
})

describe('buildManifest', () => {
  it('makes the manifest at the head, starting at the next block by default', () => {
    const m = buildManifest(specFrom(base, { task: ['mujoco/push-v1:far'] }), { netuid: 3, head: 40 })
    expect(m).toMatchObject({ netuid: 3, block: 40, id: 'reach', name: 'reach', startBlock: 41, endBlock: 0 })
    expect(m.tasks).toEqual([{ envId: 'mujoco/push-v1', taskId: 'far', params: new Map() }])
  })

  it('refuses unknown built-in tasks, unknown strategies, params the strategy rejects, and end before start', () => {
    const tasks = specIssues(() =>
      buildManifest(specFrom(base, { task: ['mujoco/fly-v9', 'remote/anything-v1'] }), { netuid: 1, head: 5 }),
    )
    // Only the built-in family is checked: other families are remote env containers.
    expect(tasks).toEqual([{ field: 'tasks[0]', problem: expect.stringContaining('mujoco/reach-v1') }])
    const strategy = specIssues(() => buildManifest(specFrom(base, { strategy: 'best-of' }), { netuid: 1, head: 5 }))
    expect(strategy[0]).toMatchObject({ field: 'scoring.strategy', problem: expect.stringContaining('kinitro-wta-v0') })
    const params = specIssues(() => buildManifest(specFrom(base, { param: ['nonsense=1'] }), { netuid: 1, head: 5 }))
    expect(params[0]?.field).toBe('scoring.params.nonsense')
    const end = specIssues(() =>
      buildManifest(specFrom(base, { startBlock: '10', endBlock: '10' }), { netuid: 1, head: 5 }),
    )
    expect(end).toEqual([{ field: 'endBlock', problem: expect.stringContaining('after startBlock 10') }])
    const id = specIssues(() => buildManifest(specFrom(base, { id: 'Not An Id!' }), { netuid: 1, head: 5 }))
    expect(id[0]).toMatchObject({ field: 'id', problem: expect.stringContaining('MESH_FIELD_INVALID') })
  })
})

describe('retiredManifest', () => {
  const current = competitionInfo(buildManifest(specFrom(base, { startBlock: '100' }), { netuid: 1, head: 90 }), 120)

  it('keeps every field, sets the end block and supersedes the current manifest', () => {
    const m = retiredManifest(current, 1, 90, 130)
    expect(m).toMatchObject({ id: 'reach', startBlock: 100, endBlock: 130, block: 91, episodesPerTask: 4 })
    expect(retiredManifest(current, 1, 150, 150).block).toBe(150)
  })

  it('refuses an end at or before the start, or later than an end already set', () => {
    const early = (() => {
      try {
        retiredManifest(current, 1, 95, 100)
      } catch (err) {
        return err as CompetitionError
      }
    })()
    expect(early?.code).toBe('NODE_COMPETITION_BAD_RETIRE')
    const ended = { ...current, endBlock: 120 }
    expect(() => retiredManifest(ended, 1, 130, 125)).toThrow(/already ends at block 120/)
    expect(retiredManifest(ended, 1, 130, 110).endBlock).toBe(110)
  })
})

describe('readEnvelopeLines', () => {
  it('reads hex lines, skips comments, and refuses a stray character or an empty file', () => {
    tmp = makeTempDir('kinitro-env-')
    const path = tmp.file('m.hex')
    writeFileSync(path, '# a comment\n0a0b\n\nff00\n')
    expect(readEnvelopeLines(path).map((b) => Buffer.from(b).toString('hex'))).toEqual(['0a0b', 'ff00'])
    writeFileSync(path, '0a0bz\n')
    expect(() => readEnvelopeLines(path)).toThrow(/line 1 is not hex/)
    writeFileSync(path, '# nothing\n')
    expect(() => readEnvelopeLines(path)).toThrow(expect.objectContaining({ code: 'NODE_COMPETITION_BAD_FILE' }))
  })
})
