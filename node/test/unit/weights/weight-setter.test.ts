import { join } from 'node:path'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { ChainError, computeWeights, type ScoringInput, type WeightsAnnouncement, weightsEntries } from '#protocol'
import { getNodeMetrics } from '../../../src/metrics.js'
import { createStore } from '../../../src/store/index.js'
import {
  createWeightSetter,
  kvCommitPersistence,
  PENDING_COMMIT_KEY,
  type WeightSetter,
  WeightsError,
} from '../../../src/weights/index.js'
import { recordingLogger, tempDir } from '../store/helpers.js'
import { expectedRow, scoringInput, TEMPO, type WeightsEnv, waitFor, weightsEnv } from './helpers.js'

let env: WeightsEnv | undefined
let setter: WeightSetter | undefined

afterEach(async () => {
  await setter?.stop()
  setter = undefined
  await env?.close()
  env = undefined
})

async function myRow(e: WeightsEnv): Promise<Array<[number, number]> | undefined> {
  const uid = (await e.chain.canSetWeights(e.validator.ss58)).uid as number
  return (await e.chain.weights()).get(uid)
}

async function metricValue(register: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await register.getMetricsAsJSON()).find((x) => x.name === name)
  const v = (m?.values as Array<{ labels: Record<string, unknown>; value: number }> | undefined)?.find((x) =>
    Object.entries(labels).every(([k, val]) => x.labels[k] === val),
  )
  return v?.value ?? 0
}

describe('weight setter against the dev chain', () => {
  it('sets the computed vector (read back equal), announces it and counts it', async () => {
    env = await weightsEnv({ commitRevealEnabled: false, weightsRateLimit: 0 })
    const e = env
    const input = await scoringInput(e)
    const register = new Registry()
    const metrics = getNodeMetrics(register)
    const published: WeightsAnnouncement[] = []
    setter = createWeightSetter({
      chain: e.chain,
      netuid: 1,
      hotkey: e.validator,
      intervalBlocks: 100,
      inputs: () => ({ input, complete: true, missing: [] }),
      publish: async (a) => void published.push(a),
      metrics,
    })
    await setter.start()
    await setter.start() // idempotent
    await waitFor(() => setter?.status().lastSetBlock != null, 'weights set')

    const want = expectedRow(input)
    expect(want.filter(([, w]) => w > 0).length, 'the vector pays someone').toBeGreaterThan(0)
    expect(await myRow(e)).toEqual(want)

    const out = computeWeights(input)
    const st = setter.status()
    expect(st.lastInputsDigest).toBe(out.inputsDigest)
    expect(st.lastWeights).toEqual({ uids: out.u16.uids, weights: out.u16.values })
    expect(published).toHaveLength(1)
    const a = published[0] as WeightsAnnouncement
    expect(weightsEntries(a)).toEqual({ uids: out.u16.uids, weights: out.u16.values })
    expect(Buffer.from(a.inputsDigest).toString('hex')).toBe(out.inputsDigest)
    expect(a.block).toBe(st.lastSetBlock)
    expect(a.netuid).toBe(1)
    expect(a.strategy).toBe('kinitro-subset-v1')
    expect(await metricValue(register, 'kinitro_node_weights_set_total', { outcome: 'set' })).toBe(1)
    expect(await metricValue(register, 'kinitro_node_weights_last_block')).toBe(st.lastSetBlock)

    await setter.stop()
    await setter.stop() // idempotent
    expect(setter.isStarted()).toBe(false)
  })

  it('with commit-reveal on: commits, keeps the weights hidden, then reveals them in the reveal epoch', async () => {
    env = await weightsEnv({ commitRevealEnabled: true, commitRevealPeriod: 1, weightsRateLimit: 0 })
    const e = env
    const input = await scoringInput(e)
    const register = new Registry()
    const published: WeightsAnnouncement[] = []
    setter = createWeightSetter({
      chain: e.chain,
      hotkey: e.validator,
      intervalBlocks: 1000,
      inputs: () => ({ input, complete: true, missing: [] }),
      publish: async (a) => void published.push(a),
      metrics: getNodeMetrics(register),
    })
    await setter.tick((await e.chain.head()).number)
    const pending = setter.status().pendingReveal
    expect(pending, 'committed, waiting for the reveal').not.toBeNull()
    expect(await myRow(e), 'nothing visible before the reveal').toBeUndefined()
    expect(published, 'not announced before the reveal').toHaveLength(0)
    expect(await metricValue(register, 'kinitro_node_weights_set_total', { outcome: 'committed' })).toBe(1)

    await setter.start()
    // Advance block by block until the reveal epoch arrives and the setter reveals.
    for (let i = 0; i < 3 * (TEMPO + 1) && setter.status().lastSetBlock === null; i++) {
      const head = (await e.dev.admin.advance(1)).number
      await waitFor(() => (setter?.status().lastHandledBlock ?? 0) >= head, `block ${head} handled`)
    }
    await waitFor(() => setter?.status().lastSetBlock != null, 'weights revealed')
    expect(setter.status().pendingReveal).toBeNull()
    expect(await myRow(e)).toEqual(expectedRow(input))
    expect(published).toHaveLength(1)
    expect(await metricValue(register, 'kinitro_node_weights_set_total', { outcome: 'revealed' })).toBe(1)
  })

  it('a restart between commit and reveal keeps the salt (node store kv) and the new setter reveals', async () => {
    env = await weightsEnv({ commitRevealEnabled: true, commitRevealPeriod: 1, weightsRateLimit: 0 })
    const e = env
    const input = await scoringInput(e)
    const dir = tempDir()
    const path = join(dir.dir, 'node.sqlite')
    try {
      const before = createStore({ path })
      const first = createWeightSetter({
        chain: e.chain,
        hotkey: e.validator,
        intervalBlocks: 1000,
        inputs: () => ({ input, complete: true, missing: [] }),
        persist: kvCommitPersistence(before.kv),
      })
      await first.tick((await e.chain.head()).number)
      const committed = first.status().pendingReveal
      expect(committed).not.toBeNull()
      expect(before.kv.getJson(PENDING_COMMIT_KEY), 'the commit and its salt are on disk').toMatchObject({
        commitBlock: committed?.commitBlock,
      })
      await first.stop()
      before.close() // the "crash": only the file survives

      const after = createStore({ path })
      const published: WeightsAnnouncement[] = []
      setter = createWeightSetter({
        chain: e.chain,
        hotkey: e.validator,
        intervalBlocks: 1000,
        inputs: () => ({ input, complete: true, missing: [] }),
        publish: async (a) => void published.push(a),
        persist: kvCommitPersistence(after.kv),
      })
      expect(setter.status().pendingReveal, 'restored from the store').toEqual(committed)
      for (let i = 0; i < 3 * (TEMPO + 1) && setter.status().lastSetBlock === null; i++) {
        await setter.tick((await e.dev.admin.advance(1)).number)
      }
      expect(setter.status().lastSetBlock, 'revealed by the restarted setter').not.toBeNull()
      expect(await myRow(e)).toEqual(expectedRow(input))
      expect(published).toHaveLength(1)
      expect(after.kv.getJson(PENDING_COMMIT_KEY), 'cleared once revealed').toBeUndefined()
      after.close()
    } finally {
      dir.cleanup()
    }
  })

  it('rate limited: waits for weightsRateLimit blocks, then sets, without failing', async () => {
    const limit = 20
    env = await weightsEnv({ commitRevealEnabled: false, weightsRateLimit: limit })
    const e = env
    const input = await scoringInput(e)
    const bob = (await e.chain.canSetWeights(e.miners[0]?.ss58 as string)).uid as number
    // Someone (an earlier run of this node) just set weights: the rate limit is running.
    await e.chain.setWeights(e.validator, { uids: [bob], weights: [1] })
    setter = createWeightSetter({
      chain: e.chain,
      hotkey: e.validator,
      intervalBlocks: 1000,
      inputs: () => ({ input, complete: true, missing: [] }),
    })
    await setter.start()
    await waitFor(() => (setter?.status().rateLimitedWaits ?? 0) > 0, 'a rate-limited wait')
    const st = setter.status()
    expect(st.lastSetBlock).toBeNull()
    expect(st.lastError, 'a rate limit is a wait, not an error').toBeNull()
    await e.dev.admin.advance(limit + 1)
    await waitFor(() => setter?.status().lastSetBlock != null, 'weights set after the limit')
    expect(await myRow(e)).toEqual(expectedRow(input))
    expect(setter.status().lastError).toBeNull()
  })

  it('incomplete view: warns what is missing, sets by default, skips with onIncomplete: skip', async () => {
    env = await weightsEnv({ commitRevealEnabled: false, weightsRateLimit: 0 })
    const e = env
    const input = await scoringInput(e)
    const view = { input, complete: false, missing: ['results of validator 5Ex…'] }
    const skipLog = recordingLogger()
    const skipping = createWeightSetter({
      chain: e.chain,
      hotkey: e.validator,
      inputs: () => view,
      onIncomplete: 'skip',
      logger: skipLog,
    })
    await skipping.tick((await e.chain.head()).number)
    expect(await myRow(e), 'skip sets nothing').toBeUndefined()
    const warn = skipLog.records.find((r) => r.level === 'warn' && r.msg === 'weights from an incomplete view')
    expect(warn?.ctx?.missing).toEqual(view.missing)

    const log = recordingLogger()
    const warning = createWeightSetter({ chain: e.chain, hotkey: e.validator, inputs: () => view, logger: log })
    await warning.tick((await e.chain.head()).number)
    expect(await myRow(e)).toEqual(expectedRow(input))
    const w = log.records.find((r) => r.level === 'warn' && r.msg === 'weights from an incomplete view')
    expect(w?.ctx?.missing).toEqual(view.missing)
  })

  it('an ineligible hotkey and failing inputs are typed errors, not throws', async () => {
    env = await weightsEnv({ commitRevealEnabled: false, weightsRateLimit: 0 })
    const e = env
    const outsider = createWeightSetter({
      chain: e.chain,
      hotkey: e.outsider,
      inputs: async () => ({ input: await scoringInput(e), complete: true, missing: [] }),
    })
    await outsider.tick((await e.chain.head()).number)
    expect(outsider.status().lastError?.code).toBe('NODE_WEIGHTS_NOT_ELIGIBLE')

    const broken = createWeightSetter({
      chain: e.chain,
      hotkey: e.validator,
      inputs: () => ({ input: { nonsense: true } as unknown as ScoringInput, complete: true, missing: [] }),
    })
    await broken.tick((await e.chain.head()).number)
    expect(broken.status().lastError?.code).toBe('NODE_WEIGHTS_INPUTS_FAILED')
    expect(await myRow(e)).toBeUndefined()
  })

  it('a transient chain error retries after a backoff in blocks, then sets', async () => {
    env = await weightsEnv({ commitRevealEnabled: false, weightsRateLimit: 0 })
    const e = env
    const input = await scoringInput(e)
    let failures = 1
    // A hand-written stub of the Chain interface: the first setWeights drops the connection.
    const flaky = Object.create(e.chain, {
      setWeights: {
        value: (...args: Parameters<typeof e.chain.setWeights>) => {
          if (failures-- > 0) return Promise.reject(new ChainError({ code: 'CHAIN_DISCONNECTED' }, 'dropped'))
          return e.chain.setWeights(...args)
        },
      },
    }) as typeof e.chain
    setter = createWeightSetter({
      chain: flaky,
      hotkey: e.validator,
      inputs: () => ({ input, complete: true, missing: [] }),
    })
    const head = (await e.chain.head()).number
    await setter.tick(head)
    expect(setter.status().lastSetBlock).toBeNull()
    expect(setter.status().lastError, 'a retried transient error is not recorded as failure').toBeNull()
    expect(setter.status().nextDueBlock).toBe(head + 1)
    await setter.tick(head) // not due yet: nothing sent
    expect(await myRow(e)).toBeUndefined()
    const next = (await e.dev.admin.advance(1)).number
    await setter.tick(next)
    expect(setter.status().lastSetBlock).toBe(next)
    expect(await myRow(e)).toEqual(expectedRow(input))
  })

  it('refuses bad options with NODE_WEIGHTS_BAD_OPTIONS', async () => {
    env = await weightsEnv({})
    const e = env
    const base = { chain: e.chain, hotkey: e.validator, inputs: () => ({}) as never }
    for (const bad of [{ intervalBlocks: 0 }, { netuid: 7 }, { maxAttempts: 0 }]) {
      const err = (() => {
        try {
          createWeightSetter({ ...base, ...bad })
        } catch (x) {
          return x
        }
      })()
      expect(err, JSON.stringify(bad)).toBeInstanceOf(WeightsError)
      expect((err as WeightsError).code).toBe('NODE_WEIGHTS_BAD_OPTIONS')
    }
  })
})
