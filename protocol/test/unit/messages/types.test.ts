import { describe, expect, it } from 'vitest'
import { FRESHNESS_WINDOW_BLOCKS, MAX_BODY_BYTES, MAX_ENVELOPE_BYTES } from '../../../src/constants.js'
import { signingDomain } from '../../../src/envelope/signing.js'
import { EPISODE_SEED_DOMAIN } from '../../../src/ids/episode-seed.js'
import { JOB_ID_DOMAIN } from '../../../src/ids/job-id.js'
import { RERUN_JOB_ID_DOMAIN } from '../../../src/messages/jobs.js'
import { isTopicName, parseTopic, TOPIC_NAMES, Topic, topicOfType, topicString } from '../../../src/messages/topics.js'
import {
  isJobState,
  KEY_SCHEME_CODES,
  keySchemeFromCode,
  MESSAGE_TYPE_CODES,
  MESSAGE_TYPES,
  messageTypeFromCode,
  SIGNER_SCHEME,
} from '../../../src/messages/types.js'

describe('message types', () => {
  it('have unique non-zero wire codes that map back', () => {
    const codes = MESSAGE_TYPES.map((t) => MESSAGE_TYPE_CODES[t])
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes).not.toContain(0)
    for (const t of MESSAGE_TYPES) expect(messageTypeFromCode(MESSAGE_TYPE_CODES[t])).toBe(t)
    expect(messageTypeFromCode(0)).toBeUndefined()
    expect(messageTypeFromCode(99)).toBeUndefined()
  })

  it('have prefix-free domain tags, so tag ‖ netuid ‖ body parses one way', () => {
    const tags = [
      ...MESSAGE_TYPES.map((t) => signingDomain(t)),
      signingDomain('peer-binding'),
      JOB_ID_DOMAIN,
      RERUN_JOB_ID_DOMAIN,
      EPISODE_SEED_DOMAIN,
    ]
    for (const a of tags) {
      for (const b of tags) if (a !== b) expect(b.startsWith(a), `${a} is a prefix of ${b}`).toBe(false)
    }
    expect(signingDomain('result')).toBe('kinitro/v1/result')
  })

  it('fix the signer scheme per type (hotkey types sr25519, the rest ed25519)', () => {
    expect(SIGNER_SCHEME['peer-record']).toBe('sr25519')
    expect(SIGNER_SCHEME['competition-manifest']).toBe('sr25519')
    expect(SIGNER_SCHEME['owner-action']).toBe('sr25519')
    for (const t of ['job-announcement', 'job-status', 'result', 'weights-announcement'] as const) {
      expect(SIGNER_SCHEME[t]).toBe('ed25519')
    }
    expect(keySchemeFromCode(KEY_SCHEME_CODES.ed25519)).toBe('ed25519')
    expect(keySchemeFromCode(KEY_SCHEME_CODES.sr25519)).toBe('sr25519')
    expect(keySchemeFromCode(0)).toBeUndefined()
  })

  it('have a size limit and a freshness window each, and the envelope limit covers the largest', () => {
    for (const t of MESSAGE_TYPES) {
      expect(MAX_BODY_BYTES[t]).toBeGreaterThan(0)
      expect(FRESHNESS_WINDOW_BLOCKS[t]).toBeGreaterThan(0)
      expect(MAX_ENVELOPE_BYTES).toBeGreaterThan(MAX_BODY_BYTES[t])
    }
  })

  it('recognise job states', () => {
    expect([1, 2, 3, 4].every(isJobState)).toBe(true)
    expect([0, 5, 1.5].some(isJobState)).toBe(false)
  })
})

describe('topics', () => {
  it('map one-to-one onto message types', () => {
    expect(new Set(Object.values(Topic)).size).toBe(MESSAGE_TYPES.length)
    expect(TOPIC_NAMES.length).toBe(MESSAGE_TYPES.length)
    for (const t of MESSAGE_TYPES) expect(Topic[topicOfType(t)]).toBe(t)
    // The owner's approve / reject / rerun decisions travel on their own topic.
    expect(topicOfType('owner-action')).toBe('owner')
    expect(MESSAGE_TYPE_CODES['owner-action']).toBe(7)
  })

  it('format as /kinitro/<netuid>/<name>/1 and parse back', () => {
    expect(topicString(7, 'results')).toBe('/kinitro/7/results/1')
    for (const name of TOPIC_NAMES) expect(parseTopic(topicString(65535, name))).toEqual({ netuid: 65535, name })
  })

  it('refuse foreign, malformed or other-version topic strings', () => {
    for (const bad of [
      '/kinitro/7/results/2',
      '/kinitro/7/nope/1',
      '/kinitro/65536/results/1',
      '/kinitro/07/results/1',
      '/eth2/7/results/1',
      '/kinitro/7/constructor/1',
      'kinitro/7/results/1',
    ]) {
      expect(parseTopic(bad), bad).toBeUndefined()
    }
    expect(isTopicName('toString')).toBe(false)
    expect(isTopicName('weights')).toBe(true)
  })
})
