import { describe, expect, it } from 'vitest'
import { createNodeKey, topicOfType, ValidationError, validateGossip } from '#protocol'
import { SIM_HEAD, SIM_NETUID } from '../sim/constants.js'
import { buildFixtures, fixtureKeys } from '../sim/fixtures.js'
import { hostileMessages } from './hostile-messages.js'

// The hostile set the mesh tests publish over the wire: here each message goes straight into
// validateGossip, so a wrong expectation fails fast and names the code actually raised.

describe('the hostile message set', () => {
  it('breaks exactly the rule each message names; the control passes', async () => {
    const keys = await fixtureKeys()
    const { context } = buildFixtures(keys, { tasks: 1, episodesPerTask: 1, uids: 4 })
    const { control, attacks } = hostileMessages({
      netuid: SIM_NETUID,
      head: SIM_HEAD,
      bound: keys.validator.nodeKey,
      stranger: await createNodeKey(),
    })
    const ok = control(SIM_HEAD)
    expect(validateGossip(topicOfType(ok.type), ok.bytes, context).type).toBe(ok.type)
    const codes = attacks.map((a) => {
      try {
        validateGossip(topicOfType(a.type), a.bytes, context)
        return [a.name, 'accepted']
      } catch (err) {
        return [a.name, err instanceof ValidationError ? err.code : String(err)]
      }
    })
    expect(codes).toEqual(attacks.map((a) => [a.name, a.code]))
    expect(new Set(attacks.map((a) => a.id)).size).toBe(attacks.length)
  })
})
