import { writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../../../test/utils/temp-dir.js'
import { classifyExitWhileStopping } from '../../../src/runtime/limits.js'
import {
  acquireUid,
  claimPolicyUser,
  DEFAULT_UID_RANGE,
  heldUids,
  policyIdentity,
  rangeOverlaps,
  releaseUid,
  uidsRunningOnHost,
} from '../../../src/runtime/uid-pool.js'

// Each test uses its own range: the pool is process-wide state, shared with every runtime in the worker.
const nothingBusy = async () => new Set<number>()

describe('uid pool', () => {
  it('hands concurrent claims different uids inside the range, and takes a released one back', async () => {
    const range = { first: 310_000, count: 8 }
    const uids = await Promise.all(Array.from({ length: 8 }, () => acquireUid(range, nothingBusy)))
    expect(new Set(uids).size).toBe(8)
    for (const uid of uids) {
      expect(uid).toBeGreaterThanOrEqual(range.first)
      expect(uid).toBeLessThan(range.first + range.count)
    }
    expect(await acquireUid(range, nothingBusy), 'all eight are held').toBeUndefined()
    releaseUid(uids[3] as number)
    releaseUid(uids[3] as number) // idempotent
    expect(await acquireUid(range, nothingBusy)).toBe(uids[3])
    for (const uid of uids) releaseUid(uid as number)
    for (const uid of uids) expect(heldUids().has(uid as number)).toBe(false)
  })

  it('moves round-robin: a uid just released is the last one handed out again', async () => {
    const range = { first: 311_000, count: 4 }
    const a = (await acquireUid(range, nothingBusy)) as number
    releaseUid(a)
    const next = []
    for (let i = 0; i < 3; i++) next.push((await acquireUid(range, nothingBusy)) as number)
    expect(next).not.toContain(a)
    expect(await acquireUid(range, nothingBusy)).toBe(a)
    for (const uid of [a, ...next]) releaseUid(uid)
  })

  it('skips uids a process on the host already runs as, and 65534/65535', async () => {
    const range = { first: 65_530, count: 8 }
    const busy = async () => new Set([65_530, 65_531, 65_532, 65_533, 65_536])
    expect(await acquireUid(range, busy)).toBe(65_537)
    expect(await acquireUid(range, busy)).toBeUndefined()
    releaseUid(65_537)
  })

  it('finds the uids of running processes in /proc (our own uid, here)', async () => {
    const own = process.getuid?.() ?? 0
    expect((await uidsRunningOnHost({ first: own, count: 1 })).has(own)).toBe(true)
    expect((await uidsRunningOnHost({ first: 4_000_000_000, count: 1 })).size).toBe(0)
  })

  it('names accounts and subordinate-uid blocks that overlap the range', () => {
    const tmp = makeTempDir('kinitro-uid-overlap-')
    try {
      writeFileSync(tmp.file('passwd'), 'root:x:0:0::/root:/bin/sh\nalice:x:200500:200500::/home/alice:/bin/sh\n')
      writeFileSync(tmp.file('subuid'), 'bob:165536:65536\n# comment\ncarol:300000:65536\n')
      const files = { passwd: tmp.file('passwd'), subuid: tmp.file('subuid') }
      expect(rangeOverlaps(DEFAULT_UID_RANGE, files)).toEqual([
        'user alice (uid 200500)',
        'subordinate uids 165536-231071 of bob',
      ])
      expect(rangeOverlaps({ first: 400_000, count: 10 }, files)).toEqual([])
      expect(rangeOverlaps(DEFAULT_UID_RANGE, { passwd: '/nonexistent', subuid: '/nonexistent' })).toEqual([])
    } finally {
      tmp.cleanup()
    }
  })

  it('pools uids only as root without runAsUid; runAsUid (a number or null) overrides', () => {
    expect(policyIdentity({}, true)).toEqual({ kind: 'pool', range: DEFAULT_UID_RANGE })
    expect(policyIdentity({ uidRange: { first: 5_000, count: 2 }, runAsGid: 65_534 }, true)).toEqual({
      kind: 'pool',
      range: { first: 5_000, count: 2 },
      gid: 65_534,
    })
    expect(policyIdentity({}, false)).toEqual({ kind: 'fixed', runAs: {} })
    expect(policyIdentity({ runAsUid: 65_534 }, true)).toEqual({ kind: 'fixed', runAs: { uid: 65_534, gid: 65_534 } })
    expect(policyIdentity({ runAsUid: null }, true)).toEqual({ kind: 'fixed', runAs: {} })
  })

  it('claims a pooled user with gid = uid and releases it once', async () => {
    const identity = policyIdentity({ uidRange: { first: 312_000, count: 2 } }, true)
    const a = await claimPolicyUser(identity)
    const b = await claimPolicyUser(identity)
    expect(a?.runAs.uid).not.toBe(b?.runAs.uid)
    expect(a?.runAs.gid).toBe(a?.runAs.uid)
    expect(await claimPolicyUser(identity)).toBeUndefined()
    a?.release()
    expect(heldUids().has(a?.runAs.uid as number)).toBe(false)
    b?.release()
  })
})

describe('exit reasons while stopping', () => {
  it('keeps a limit that ended the policy before our stop, never our own signals or a clean exit', () => {
    expect(classifyExitWhileStopping(1, null, 'RangeError: Array buffer allocation failed', false)).toBe(
      'policy_resource_limit',
    )
    expect(classifyExitWhileStopping(128 + 24, null, '', true)).toBe('policy_resource_limit')
    expect(classifyExitWhileStopping(null, 'SIGTERM', 'out of memory', false)).toBeUndefined()
    expect(classifyExitWhileStopping(null, 'SIGKILL', '', false)).toBeUndefined()
    expect(classifyExitWhileStopping(0, null, 'MemoryError', false)).toBeUndefined()
    expect(classifyExitWhileStopping(1, null, 'some traceback', false)).toBeUndefined()
  })
})

afterAll(() => {
  // Nothing a test here took stays held.
  for (const uid of heldUids()) expect(uid < 310_000 || uid >= 313_000).toBe(true)
})
