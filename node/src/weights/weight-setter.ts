import { randomInt } from 'node:crypto'
import {
  ChainError,
  computeWeights,
  createWeightsAnnouncement,
  DEFAULT_STRATEGY_ID,
  type Hyperparameters,
  revealTiming,
  type ScoringInput,
  type ScoringOutput,
  silentLogger,
  type WeightsCommitInput,
} from '#protocol'
import {
  DEFAULT_WEIGHTS_INTERVAL_BLOCKS,
  DEFAULT_WEIGHTS_MAX_ATTEMPTS,
  TRANSIENT_CHAIN_CODES,
  WEIGHTS_INELIGIBLE_RETRY_BLOCKS,
  WEIGHTS_RETRY_MAX_BLOCKS,
  WEIGHTS_SALT_LENGTH,
} from './constants.js'
import { WeightsError, type WeightsErrorMeta } from './errors.js'
import type { WeightSetter, WeightSetterInit, WeightSetterStatus } from './types.js'

/** A commit with everything its reveal must repeat (the salt never leaves this process). */
interface Pending {
  commitBlock: number
  input: WeightsCommitInput
  inputsDigest: string
  strategy: string
  attempts: number
}

// After an unexpected end of the block stream, wait this long before following it again.
const LOOP_RESTART_MS = 1000

/**
 * The weight setter (design §6, issue 6 item 4): every `intervalBlocks` it computes the shared scoring
 * function over what `inputs()` returns, sets the u16 vector on chain — commit then reveal when the
 * subnet has commit-reveal on — and hands a weights announcement to `publish`.
 *
 * The chain is the clock: the setter follows `chain.blocks()` and decides per block, so retries and rate
 * limits are counted in blocks and a stopped node resumes where the chain is. A rate limit is a wait, not a
 * failure; transient chain errors retry with backoff (1, 2, 4… blocks); refusals a retry cannot fix wait
 * for the next interval. Every failure is a {@link WeightsError} in `status().lastError`, the log and
 * `kinitro_node_weights_errors_total`.
 *
 * @example
 * ```ts
 * const setter = createWeightSetter({ chain, hotkey, intervalBlocks: 100, inputs: () => view.scoringInputs() })
 * await setter.start()
 * // … later
 * await setter.stop()
 * ```
 */
export function createWeightSetter(init: WeightSetterInit): WeightSetter {
  const chain = init.chain
  const netuid = init.netuid ?? chain.netuid
  const interval = init.intervalBlocks ?? DEFAULT_WEIGHTS_INTERVAL_BLOCKS
  const maxAttempts = init.maxAttempts ?? DEFAULT_WEIGHTS_MAX_ATTEMPTS
  const onIncomplete = init.onIncomplete ?? 'warn'
  const log = (init.logger ?? silentLogger).child('node:weights')
  const metrics = init.metrics
  if (netuid !== chain.netuid) bad('netuid', `netuid ${netuid} differs from the chain's ${chain.netuid}`)
  if (!Number.isInteger(interval) || interval < 1) bad('intervalBlocks', `intervalBlocks ${interval} must be ≥ 1`)
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) bad('maxAttempts', `maxAttempts ${maxAttempts} must be ≥ 1`)

  const state: WeightSetterStatus = {
    lastSetBlock: null,
    lastInputsDigest: null,
    lastWeights: null,
    lastHandledBlock: null,
    nextDueBlock: 0,
    pendingReveal: null,
    lastError: null,
    rateLimitedWaits: 0,
  }
  let pending: Pending | undefined
  // The salt must outlive a restart between commit and reveal, or that reveal is lost (and the commit expires).
  const restored = init.persist?.load()
  if (restored !== undefined) {
    pending = {
      commitBlock: restored.commitBlock,
      input: {
        uids: restored.uids,
        weights: restored.weights,
        salt: restored.salt,
        versionKey: BigInt(restored.versionKey),
      },
      inputsDigest: restored.inputsDigest,
      strategy: restored.strategy,
      attempts: 0,
    }
    state.pendingReveal = { commitBlock: restored.commitBlock, inputsDigest: restored.inputsDigest }
    log.info('restored a pending weights commit', { commitBlock: restored.commitBlock })
  }
  function setPending(p: Pending | undefined): void {
    pending = p
    state.pendingReveal = p === undefined ? null : { commitBlock: p.commitBlock, inputsDigest: p.inputsDigest }
    init.persist?.save(
      p === undefined
        ? undefined
        : {
            commitBlock: p.commitBlock,
            uids: p.input.uids,
            weights: p.input.weights,
            salt: p.input.salt,
            versionKey: String(p.input.versionKey ?? 0n),
            inputsDigest: p.inputsDigest,
            strategy: p.strategy,
          },
    )
  }
  let attempts = 0
  let controller = new AbortController()
  let started = false
  let loop: Promise<void> | undefined
  // Ticks run one at a time: the block loop and a manual `tick()` never interleave chain calls.
  let serial: Promise<void> = Promise.resolve()

  function fail(meta: WeightsErrorMeta, message: string, level: 'warn' | 'error', cause?: unknown): WeightsError {
    const err = new WeightsError(meta, message, { cause })
    state.lastError = { code: err.code, message }
    metrics?.weightsErrors.inc({ code: err.code })
    log[level]('weights update failed', { ...meta }, cause)
    return err
  }

  function retryIn(head: number): number {
    return head + Math.min(WEIGHTS_RETRY_MAX_BLOCKS, interval, 2 ** Math.max(0, attempts - 1))
  }

  /** A chain call failed: wait out rate limits, back off on transient errors, else wait an interval. */
  async function chainFailure(step: 'set' | 'commit' | 'reveal' | 'read', head: number, err: unknown): Promise<void> {
    const code = err instanceof ChainError ? err.code : 'CHAIN_UNKNOWN'
    if (code === 'CHAIN_WEIGHTS_RATE_LIMITED') return rateLimited(head, await blocksUntilAllowed())
    // Commit-reveal was switched between reading the hyperparameters and sending: retry with the new mode.
    if (code === 'CHAIN_COMMIT_REVEAL_ENABLED' || code === 'CHAIN_COMMIT_REVEAL_DISABLED') {
      state.nextDueBlock = head + 1
      return
    }
    const transient = TRANSIENT_CHAIN_CODES.has(code) || !(err instanceof ChainError)
    attempts++
    if (transient && attempts < maxAttempts) {
      state.nextDueBlock = retryIn(head)
      log.warn('weights chain call failed, retrying', { step, chainCode: code, attempts, retryAt: state.nextDueBlock })
      return
    }
    fail(
      { code: 'NODE_WEIGHTS_CHAIN_FAILED', step, chainCode: code, attempts },
      `weights ${step} failed: ${code}`,
      'error',
      err,
    )
    metrics?.weightsSet.inc({ outcome: 'failed' })
    attempts = 0
    state.nextDueBlock = head + interval
  }

  async function blocksUntilAllowed(): Promise<number> {
    try {
      return (await chain.canSetWeights(init.hotkey.ss58, { signal: controller.signal })).blocksUntilAllowed
    } catch {
      return 1
    }
  }

  function rateLimited(head: number, blocks: number): void {
    state.nextDueBlock = head + Math.max(1, blocks)
    state.rateLimitedWaits++
    metrics?.weightsRateLimitedWaits.inc()
    log.info('weights rate limited, waiting', { head, retryAt: state.nextDueBlock })
  }

  async function took(
    block: number,
    digest: string,
    input: WeightsCommitInput,
    strategy: string,
    mode: 'set' | 'revealed',
  ) {
    state.lastSetBlock = block
    state.lastInputsDigest = digest
    state.lastWeights = { uids: [...input.uids], weights: [...input.weights] }
    state.lastError = null
    attempts = 0
    metrics?.weightsSet.inc({ outcome: mode })
    metrics?.weightsLastBlock.set(block)
    log.info('weights on chain', { block, mode, uids: input.uids.length, inputsDigest: digest })
    if (init.publish === undefined) return
    const announcement = createWeightsAnnouncement({
      netuid,
      block,
      uids: input.uids,
      weights: input.weights,
      inputsDigest: new Uint8Array(Buffer.from(digest, 'hex')),
      versionKey: input.versionKey ?? 0n,
      strategy,
    })
    try {
      await init.publish(announcement, { signal: controller.signal })
    } catch (err) {
      // The weights are on chain; the next update announces again, so this is not retried.
      fail({ code: 'NODE_WEIGHTS_PUBLISH_FAILED', block }, 'weights announcement not published', 'warn', err)
    }
  }

  async function reveal(head: number, hyper: Hyperparameters, p: Pending): Promise<void> {
    const timing = revealTiming(p.commitBlock, head, hyper.tempo, netuid, hyper.commitRevealPeriod)
    if (timing === 'too-early') return
    if (timing === 'expired') {
      fail(
        { code: 'NODE_WEIGHTS_REVEAL_EXPIRED', commitBlock: p.commitBlock, block: head },
        `reveal window of the commit at block ${p.commitBlock} passed`,
        'warn',
      )
      setPending(undefined)
      state.nextDueBlock = head
      return
    }
    try {
      const receipt = await chain.revealWeights(init.hotkey, p.input, { signal: controller.signal })
      setPending(undefined)
      await took(receipt.blockNumber, p.inputsDigest, p.input, p.strategy, 'revealed')
    } catch (err) {
      if (controller.signal.aborted) throw err
      p.attempts++
      const code = err instanceof ChainError ? err.code : 'CHAIN_UNKNOWN'
      log.warn('weights reveal failed, retrying next block', { chainCode: code, attempts: p.attempts })
      // The window is one epoch; retry every block inside it. Past it, `expired` above drops the commit.
      if (p.attempts >= maxAttempts && !TRANSIENT_CHAIN_CODES.has(code)) {
        fail(
          { code: 'NODE_WEIGHTS_CHAIN_FAILED', step: 'reveal', chainCode: code, attempts: p.attempts },
          `weights reveal failed: ${code}`,
          'error',
          err,
        )
        metrics?.weightsSet.inc({ outcome: 'failed' })
        setPending(undefined)
        state.nextDueBlock = head + 1
      }
    }
  }

  async function update(head: number, hyper: Hyperparameters): Promise<void> {
    const signal = controller.signal
    const elig = await chain.canSetWeights(init.hotkey.ss58, { signal })
    const reason = !elig.registered
      ? 'not-registered'
      : !elig.validatorPermit
        ? 'no-validator-permit'
        : !elig.stakeSufficient
          ? 'stake-too-low'
          : undefined
    if (reason !== undefined) {
      fail({ code: 'NODE_WEIGHTS_NOT_ELIGIBLE', reason }, `hotkey cannot set weights: ${reason}`, 'error')
      metrics?.weightsSet.inc({ outcome: 'skipped' })
      state.nextDueBlock = head + Math.min(interval, WEIGHTS_INELIGIBLE_RETRY_BLOCKS)
      return
    }
    if (elig.blocksUntilAllowed > 0) return rateLimited(head, elig.blocksUntilAllowed)

    let out: ScoringOutput
    let input: ScoringInput
    try {
      const view = await init.inputs({ signal })
      input = view.input
      if (!view.complete) {
        // Issue 6 item 4: never set weights from an incomplete view without saying so.
        log.warn('weights from an incomplete view', { missing: view.missing, policy: onIncomplete })
        if (onIncomplete === 'skip') {
          metrics?.weightsSet.inc({ outcome: 'skipped' })
          attempts++
          state.nextDueBlock = retryIn(head)
          return
        }
      }
      out = computeWeights(input)
    } catch (err) {
      if (signal.aborted) throw err
      attempts++
      fail({ code: 'NODE_WEIGHTS_INPUTS_FAILED', reason: String(err) }, 'scoring inputs failed', 'error', err)
      metrics?.weightsSet.inc({ outcome: 'failed' })
      state.nextDueBlock = retryIn(head)
      return
    }
    if (out.u16.uids.length === 0) {
      fail({ code: 'NODE_WEIGHTS_EMPTY', inputsDigest: out.inputsDigest }, 'no weights to set', 'warn')
      metrics?.weightsSet.inc({ outcome: 'skipped' })
      state.nextDueBlock = head + interval
      return
    }
    const strategy = strategyName(input)
    const versionKey = init.versionKey ?? hyper.weightsVersionKey
    const weights: WeightsCommitInput = { uids: out.u16.uids, weights: out.u16.values, versionKey, salt: [] }

    if (hyper.commitRevealEnabled) {
      if (!chain.capabilities.hashCommitReveal) {
        fail(
          { code: 'NODE_WEIGHTS_CR_UNSUPPORTED', timelocked: chain.capabilities.timelockedWeights },
          'commit-reveal is on and the chain has no CR v2 calls',
          'error',
        )
        metrics?.weightsSet.inc({ outcome: 'failed' })
        state.nextDueBlock = head + interval
        return
      }
      weights.salt = Array.from({ length: WEIGHTS_SALT_LENGTH }, () => randomInt(0, 0x10000))
      try {
        const receipt = await chain.commitWeights(init.hotkey, weights, { signal })
        setPending({
          commitBlock: receipt.blockNumber,
          input: weights,
          inputsDigest: out.inputsDigest,
          strategy,
          attempts: 0,
        })
        state.nextDueBlock = receipt.blockNumber + interval
        attempts = 0
        metrics?.weightsSet.inc({ outcome: 'committed' })
        log.info('weights committed', { block: receipt.blockNumber, inputsDigest: out.inputsDigest })
      } catch (err) {
        if (signal.aborted) throw err
        await chainFailure('commit', head, err)
      }
      return
    }
    try {
      const receipt = await chain.setWeights(init.hotkey, weights, { signal })
      state.nextDueBlock = receipt.blockNumber + interval
      await took(receipt.blockNumber, out.inputsDigest, weights, strategy, 'set')
    } catch (err) {
      if (signal.aborted) throw err
      await chainFailure('set', head, err)
    }
  }

  async function handle(head: number): Promise<void> {
    const signal = controller.signal
    let hyper: Hyperparameters
    try {
      hyper = await chain.hyperparameters({ signal })
    } catch (err) {
      if (signal.aborted) throw err
      return chainFailure('read', head, err)
    }
    if (pending !== undefined) {
      // Commit-reveal switched off with a commit outstanding: the reveal would be refused; set directly.
      if (!hyper.commitRevealEnabled) {
        log.warn('commit-reveal switched off, dropping the pending commit', { commitBlock: pending.commitBlock })
        setPending(undefined)
        state.nextDueBlock = head
      } else {
        // One update at a time: no new commit until this one is revealed or has expired.
        return reveal(head, hyper, pending)
      }
    }
    if (head < state.nextDueBlock) return
    try {
      await update(head, hyper)
    } catch (err) {
      if (signal.aborted) throw err
      return chainFailure('read', head, err)
    }
  }

  function tick(head: number): Promise<void> {
    const run = serial.then(async () => {
      await handle(head)
      state.lastHandledBlock = head
    })
    serial = run.catch(() => {})
    return run
  }

  async function follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const head = (await chain.head({ signal })).number
        await tick(head)
        // From `head`, not "now": blocks produced while the first tick ran are not skipped.
        for await (const block of chain.blocks({ signal, from: head })) await tick(block.number)
      } catch (err) {
        if (signal.aborted) return
        log.error('weights block loop failed, restarting', {}, err)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, LOOP_RESTART_MS)
          signal.addEventListener('abort', () => {
            clearTimeout(t)
            resolve()
          })
        })
      }
    }
  }

  return {
    async start() {
      if (started) return
      started = true
      if (controller.signal.aborted) controller = new AbortController()
      loop = follow(controller.signal)
      log.info('weight setter started', { netuid, intervalBlocks: interval, hotkey: init.hotkey.ss58 })
    },
    async stop() {
      if (!started) return
      started = false
      controller.abort()
      await loop
      await serial
      loop = undefined
      log.info('weight setter stopped', {})
    },
    isStarted: () => started,
    status: () => ({
      ...state,
      pendingReveal: state.pendingReveal === null ? null : { ...state.pendingReveal },
      lastError: state.lastError === null ? null : { ...state.lastError },
      lastWeights:
        state.lastWeights === null
          ? null
          : { uids: [...state.lastWeights.uids], weights: [...state.lastWeights.weights] },
    }),
    tick,
  }
}

/** The announcement's strategy name: the competitions' strategies, sorted and joined by `+`. */
function strategyName(input: ScoringInput): string {
  const ids = [...new Set(input.competitions.map((c) => c.strategy))].sort()
  return ids.length === 0 ? DEFAULT_STRATEGY_ID : ids.join('+')
}

function bad(field: string, message: string): never {
  throw new WeightsError({ code: 'NODE_WEIGHTS_BAD_OPTIONS', field }, message)
}
