import { describe, expect, it } from 'vitest'
import { countsAgainstMiner, FAILURE_CODES, failureParty, isFailureCode } from '#protocol'

describe('failure codes', () => {
  it('every code names one of the four parties', () => {
    for (const code of FAILURE_CODES) {
      expect(['policy', 'env', 'validator', 'network'], code).toContain(failureParty(code))
    }
  })

  it('only policy_* codes count against a miner', () => {
    const against = FAILURE_CODES.filter(countsAgainstMiner)
    expect(against.length).toBeGreaterThan(5)
    expect(against.every((c) => c.startsWith('policy_'))).toBe(true)
    expect(countsAgainstMiner('env_error')).toBe(false)
    expect(countsAgainstMiner('network_remote_unreachable')).toBe(false)
  })

  it('rejects codes outside the closed set, even with a policy_ prefix', () => {
    expect(isFailureCode('policy_made_up')).toBe(false)
    expect(countsAgainstMiner('policy_made_up')).toBe(false)
    expect(isFailureCode('policy_timeout')).toBe(true)
  })

  it('codes are unique and lower snake case', () => {
    expect(new Set(FAILURE_CODES).size).toBe(FAILURE_CODES.length)
    for (const code of FAILURE_CODES) expect(code).toMatch(/^[a-z]+(_[a-z0-9]+)+$/)
  })
})
