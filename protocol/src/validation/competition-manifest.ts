import {
  MAX_EPISODE_STEPS,
  MAX_EPISODES_PER_RESULT,
  MAX_EPISODES_PER_TASK,
  MAX_NAME_BYTES,
  MAX_PARAM_VALUE_BYTES,
  MAX_PARAMS,
  MAX_TASKS,
} from '../constants.js'
import type { CompetitionManifest } from '../proto/kinitro.js'
import {
  type ContentContext,
  checkBlock,
  checkFinite,
  checkFreshness,
  checkId,
  checkInt,
  checkNetuid,
  checkText,
  invalid,
} from './fields.js'

function checkParamCount(field: string, size: number): void {
  if (size > MAX_PARAMS) invalid(field, { actual: size, limit: MAX_PARAMS })
}

/**
 * Content rules of a competition manifest: identifiers, 1…{@link MAX_TASKS} distinct tasks with bounded
 * parameters, episode and step bounds (all of a job's episodes must fit in one result), a scoring
 * strategy with finite parameters, and a consistent block window. Whether the signer is the subnet
 * owner is a chain check and belongs to the mesh.
 */
export function validateCompetitionManifest(m: CompetitionManifest, ctx: ContentContext): void {
  checkNetuid(m.netuid, ctx)
  checkFreshness('competition-manifest', m.block, ctx)
  checkId('id', m.id)
  checkText('name', m.name, MAX_NAME_BYTES, true)
  if (m.tasks.length === 0 || m.tasks.length > MAX_TASKS) invalid('tasks', { actual: m.tasks.length, limit: MAX_TASKS })
  const seen = new Set<string>()
  for (const [i, t] of m.tasks.entries()) {
    checkId(`tasks[${i}].envId`, t.envId)
    checkId(`tasks[${i}].taskId`, t.taskId)
    // Ids cannot contain '\n', so this key is unambiguous.
    const key = `${t.envId}\n${t.taskId}`
    if (seen.has(key)) invalid(`tasks[${i}]`)
    seen.add(key)
    checkParamCount(`tasks[${i}].params`, t.params.size)
    for (const [k, v] of t.params) {
      checkId(`tasks[${i}].params.key`, k)
      checkText(`tasks[${i}].params.value`, v, MAX_PARAM_VALUE_BYTES)
    }
  }
  checkInt('episodesPerTask', m.episodesPerTask, 1, MAX_EPISODES_PER_TASK)
  const total = m.tasks.length * m.episodesPerTask
  if (total > MAX_EPISODES_PER_RESULT) invalid('episodesPerTask', { actual: total, limit: MAX_EPISODES_PER_RESULT })
  checkInt('maxSteps', m.maxSteps, 1, MAX_EPISODE_STEPS)
  if (m.scoring === undefined) invalid('scoring')
  checkId('scoring.strategy', m.scoring.strategy)
  checkParamCount('scoring.params', m.scoring.params.size)
  for (const [k, v] of m.scoring.params) {
    checkId('scoring.params.key', k)
    checkFinite('scoring.params.value', v)
  }
  checkBlock('startBlock', m.startBlock)
  checkBlock('endBlock', m.endBlock)
  if (m.endBlock !== 0 && m.endBlock <= m.startBlock) invalid('endBlock')
  checkInt('points', m.points, 1, 0xffffffff)
  checkInt('cycleLengthBlocks', m.cycleLengthBlocks, 1, 0xffffffff)
}
