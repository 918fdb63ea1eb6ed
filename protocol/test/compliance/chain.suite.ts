/**
 * The `Chain` compliance suite (style.md §2.10): every implementation runs these cases through a ~10-line
 * setup file. `setup` runs before EVERY case and must hand back a chain in a fresh state (hotkeys funded but
 * not registered, no commitments, no weights); an implementation with a slow boot can revert a running
 * chain (e.g. chopsticks `dev_setHead`) instead of restarting it. Runtime-specific cases switch on
 * `env.features`, never by editing the suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Chain, ChainErrorCode, Hyperparameters } from '../../src/chain/index.js'
import { ChainError, epochIndex } from '../../src/chain/index.js'
import { decodeSs58, type Hotkey } from '../../src/identity/hotkey.js'

/** Privileged actions the suite needs; on Subtensor these are extrinsics paid by a coldkey, or sudo. */
export interface ChainTestAdmin {
  /** Register `hotkey` on the env's netuid (its coldkey is the implementation's choice). */
  register(hotkey: Hotkey): Promise<void>
  /** Add `rao` of stake to `hotkey` on the env's netuid; the metagraph shows it at once. */
  addStake(hotkey: Hotkey, rao: bigint): Promise<void>
  /** Produce `n` blocks. */
  advanceBlocks(n: number): Promise<void>
  /** Override subnet (and, for `stakeThreshold`, global) hyperparameters. */
  setHyperparameters(patch: Partial<Hyperparameters>): Promise<void>
  /** Make `hotkey` the subnet owner's hotkey (Subtensor `SubnetOwnerHotkey`), replacing any previous one. */
  setSubnetOwner(hotkey: Hotkey): Promise<void>
}

/** What the runtime under test has; each defaults to `true` (the current Subtensor runtime). */
export interface ChainTestFeatures {
  /**
   * Commitments are limited by per-epoch space (3100, each call ≥ 100). `false`: the old per-block
   * `RateLimit` (spec ≤ 218), where a second commitment right after the first is refused.
   * @default true
   */
  spaceLimit?: boolean
  /**
   * `commit_weights` / `reveal_weights` (CR v2) exist.
   * @default true
   */
  hashCommitReveal?: boolean
  /**
   * Validator permits follow stake rank at each epoch. `false`: spec 218 keeps every neuron's permit set
   * once its epochs run, whatever `maxAllowedValidators` says.
   * @default true
   */
  permitsFollowStake?: boolean
  /**
   * With `spaceLimit: false`, the old commitment limit is this many blocks (a runtime constant,
   * `Commitments.RateLimit`, 100 on spec 218), not an epoch.
   * @default 0
   */
  commitmentRateLimitBlocks?: number
}

/** What `setup` returns. */
export interface ChainTestEnv {
  /** The implementation under test, with its netuid fixed. */
  chain: Chain
  admin: ChainTestAdmin
  /** At least 4 funded, unregistered hotkeys; none of them the subnet owner (who skips stake checks). */
  hotkeys: Hotkey[]
  /** Another client of the same chain, for `netuid` (which may not exist); the suite closes it. */
  chainOn(netuid: number): Promise<Chain>
  features?: ChainTestFeatures
  teardown(): Promise<void>
}

// Chopsticks seals a block per extrinsic (~0.5 s), and some cases send ~35 of them.
const CASE_TIMEOUT_MS = 180_000
// Small enough for a quick epoch, large enough that a block or two of inclusion slack stays inside one.
const TEST_TEMPO = 12
// 1000 TAO in rao: far above any stake threshold a test runtime sets.
const BIG_STAKE = 1_000_000_000_000n
// Commitments cost max(100, len) each against a per-epoch space of 3100 (reference/chain.md §2).
const COMMIT_SPACE = 3100
const MIN_COMMIT_COST = 100
// A netuid no test runtime creates (both fixtures and the dev chain hold only a few low ones).
const MISSING_NETUID = 999

async function expectCode(promise: Promise<unknown>, code: ChainErrorCode): Promise<ChainError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, `expected ${code}`).toBeInstanceOf(ChainError)
  expect((err as ChainError).code).toBe(code)
  return err as ChainError
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/**
 * Run the compliance cases against one `Chain` implementation.
 *
 * @example
 * ```ts
 * chainSuite('dev chain', async () => devChainTestEnv())
 * ```
 */
export function chainSuite(name: string, setup: () => Promise<ChainTestEnv>): void {
  describe(`Chain compliance: ${name}`, () => {
    let env: ChainTestEnv
    let chain: Chain
    let hk: Hotkey[]

    beforeEach(async () => {
      env = await setup()
      chain = env.chain
      hk = env.hotkeys
      expect(hk.length, 'the env must give at least 4 hotkeys').toBeGreaterThanOrEqual(4)
    }, CASE_TIMEOUT_MS)

    afterEach(async () => {
      await env?.teardown()
    }, CASE_TIMEOUT_MS)

    const feature = (key: 'spaceLimit' | 'hashCommitReveal' | 'permitsFollowStake'): boolean =>
      env.features?.[key] ?? true

    async function uidOf(hotkey: Hotkey): Promise<number> {
      const n = (await chain.metagraph()).neurons.find((x) => x.hotkey === hotkey.ss58)
      expect(n, `${hotkey.ss58} is registered`).toBeDefined()
      return n!.uid
    }

    // Move the head to `offset` blocks into epoch `target`, so the next call lands inside it whether the
    // implementation includes calls in the head block or in the next one.
    async function advanceToEpoch(target: number, offset = 2): Promise<void> {
      const { tempo } = await chain.hyperparameters()
      for (;;) {
        const head = (await chain.head()).number
        const e = epochIndex(head, tempo, chain.netuid)
        if (e > target) throw new Error(`already past epoch ${target} (at ${e})`)
        let start = head
        while (start > 0 && epochIndex(start - 1, tempo, chain.netuid) === e) start--
        if (e === target && head - start >= offset) return
        const want = e === target ? start + offset : head + 1
        await env.admin.advanceBlocks(Math.max(1, want - head))
      }
    }

    // Registers hk[0..n), gives hk[0] a large stake, and lets an epoch pass so it holds a permit.
    async function validatorSetup(n: number, patch: Partial<Hyperparameters>): Promise<number[]> {
      await env.admin.setHyperparameters({ tempo: TEST_TEMPO, minAllowedWeights: 1, ...patch })
      for (const h of hk.slice(0, n)) await env.admin.register(h)
      await env.admin.addStake(hk[0]!, BIG_STAKE)
      await env.admin.advanceBlocks(TEST_TEMPO + 2)
      const uids = await Promise.all(hk.slice(0, n).map(uidOf))
      const me = (await chain.metagraph()).neurons.find((x) => x.uid === uids[0])
      expect(me?.validatorPermit, 'staked validator holds a permit after an epoch').toBe(true)
      return uids
    }

    it(
      'register: the metagraph shows uid, hotkey and coldkey',
      async () => {
        await env.admin.register(hk[0]!)
        await env.admin.register(hk[1]!)
        const head = await chain.head()
        const mg = await chain.metagraph()
        expect(mg.netuid).toBe(chain.netuid)
        const mine = mg.neurons.filter((n) => n.hotkey === hk[0]!.ss58 || n.hotkey === hk[1]!.ss58)
        expect(mine).toHaveLength(2)
        expect(new Set(mine.map((n) => n.uid)).size).toBe(2)
        for (const n of mine) {
          expect(decodeSs58(n.coldkey)).toHaveLength(32)
          expect(n.blockAtRegistration).toBeLessThanOrEqual(head.number)
          expect(n.lastUpdate).toBeLessThanOrEqual(head.number)
        }
        expect(mg.neurons.map((n) => n.uid)).toEqual([...mg.neurons.map((n) => n.uid)].sort((a, b) => a - b))
        const elig = await chain.canSetWeights(hk[0]!.ss58)
        expect(elig.registered).toBe(true)
        expect(elig.uid).toBe(mine.find((n) => n.hotkey === hk[0]!.ss58)?.uid)
        expect((await chain.canSetWeights(hk[3]!.ss58)).registered).toBe(false)
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'stake: shows at once; the validator permit follows at the next epoch, unstaked neurons get none',
      async () => {
        await env.admin.setHyperparameters({ tempo: TEST_TEMPO, stakeThreshold: 1_000_000n })
        await env.admin.register(hk[0]!)
        await env.admin.register(hk[1]!)
        await env.admin.addStake(hk[0]!, BIG_STAKE)
        const staked = (await chain.metagraph()).neurons.find((n) => n.hotkey === hk[0]!.ss58)
        expect(staked?.stake).toBeGreaterThan(0n)
        await env.admin.advanceBlocks(TEST_TEMPO + 2)
        const mg = await chain.metagraph()
        expect(mg.neurons.find((n) => n.hotkey === hk[0]!.ss58)?.validatorPermit).toBe(true)
        if (feature('permitsFollowStake')) {
          expect(mg.neurons.find((n) => n.hotkey === hk[1]!.ss58)?.validatorPermit).toBe(false)
        }
        const elig = await chain.canSetWeights(hk[1]!.ss58)
        expect(elig.stakeSufficient).toBe(false)
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'commitment: set, then read one and all, with the block it was made at',
      async () => {
        await env.admin.register(hk[0]!)
        const data = bytes('kinitro:v1:deployment-1234')
        const receipt = await chain.setCommitment(hk[0]!, data)
        const one = await chain.commitment(hk[0]!.ss58)
        expect(one?.hotkey).toBe(hk[0]!.ss58)
        expect(one?.data).toEqual(data)
        expect(one?.field).toBe('raw')
        expect(one?.block).toBe(receipt.blockNumber)
        const all = await chain.commitments()
        expect(all.find((c) => c.hotkey === hk[0]!.ss58)?.data).toEqual(data)
        expect(await chain.commitment(hk[1]!.ss58)).toBeUndefined()
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'commitment over the size limit: CHAIN_COMMITMENT_TOO_LARGE before anything is sent',
      async () => {
        await env.admin.register(hk[0]!)
        const limit = chain.capabilities.bigRawCommitments ? 512 : 128
        const atLimit = new Uint8Array(limit).fill(7)
        await chain.setCommitment(hk[0]!, atLimit)
        await env.admin.advanceBlocks(1)
        const before = await chain.head()
        const err = await expectCode(
          chain.setCommitment(hk[0]!, new Uint8Array(limit + 1)),
          'CHAIN_COMMITMENT_TOO_LARGE',
        )
        expect(err.message).toContain(String(limit + 1))
        expect((await chain.commitment(hk[0]!.ss58))?.data).toEqual(atLimit)
        expect((await chain.head()).number, 'nothing was sent').toBe(before.number)
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'commitment rate/space limit: CHAIN_COMMITMENT_RATE_LIMITED, lifted in a later epoch',
      async () => {
        // A long tempo keeps all commits in one epoch even on a chain that seals a block per call.
        await env.admin.setHyperparameters({ tempo: 360 })
        await env.admin.register(hk[0]!)
        if (feature('spaceLimit')) {
          for (let i = 0; i < COMMIT_SPACE / MIN_COMMIT_COST; i++) await chain.setCommitment(hk[0]!, bytes(`c${i}`))
        } else {
          await chain.setCommitment(hk[0]!, bytes('first'))
        }
        await expectCode(chain.setCommitment(hk[0]!, bytes('one too many')), 'CHAIN_COMMITMENT_RATE_LIMITED')
        if (feature('spaceLimit')) {
          await env.admin.setHyperparameters({ tempo: TEST_TEMPO })
          await advanceToEpoch(epochIndex((await chain.head()).number, TEST_TEMPO, chain.netuid) + 1)
        } else {
          await env.admin.advanceBlocks(env.features?.commitmentRateLimitBlocks ?? 0)
        }
        await chain.setCommitment(hk[0]!, bytes('next epoch'))
        expect((await chain.commitment(hk[0]!.ss58))?.data).toEqual(bytes('next epoch'))
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'unregistered hotkey: CHAIN_NOT_REGISTERED for commitments and weights',
      async () => {
        await env.admin.setHyperparameters({ commitRevealEnabled: false })
        await env.admin.register(hk[0]!)
        await expectCode(chain.setCommitment(hk[3]!, bytes('x')), 'CHAIN_NOT_REGISTERED')
        await expectCode(chain.setWeights(hk[3]!, { uids: [0], weights: [1] }), 'CHAIN_NOT_REGISTERED')
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'set weights and read them back max-upscaled',
      async () => {
        const [u0, u1, u2] = await validatorSetup(3, { commitRevealEnabled: false, weightsRateLimit: 0 })
        await chain.setWeights(hk[0]!, { uids: [u1!, u2!], weights: [3, 1] })
        const row = (await chain.weights()).get(u0!)
        expect(row).toEqual([
          [u1, 65535],
          [u2, 21845],
        ])
        const me = (await chain.metagraph()).neurons.find((n) => n.uid === u0)
        expect(me?.lastUpdate).toBeGreaterThan(0)
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'weights for an unknown uid, or mismatched vectors: CHAIN_WEIGHTS_INVALID',
      async () => {
        const [, u1] = await validatorSetup(2, { commitRevealEnabled: false, weightsRateLimit: 0 })
        await expectCode(chain.setWeights(hk[0]!, { uids: [u1!, 4000], weights: [1, 1] }), 'CHAIN_WEIGHTS_INVALID')
        await expectCode(chain.setWeights(hk[0]!, { uids: [u1!], weights: [1, 2] }), 'CHAIN_WEIGHTS_INVALID')
        await expectCode(chain.setWeights(hk[0]!, { uids: [u1!, u1!], weights: [1, 2] }), 'CHAIN_WEIGHTS_INVALID')
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'weights too fast: CHAIN_WEIGHTS_RATE_LIMITED until weightsRateLimit blocks pass',
      async () => {
        const limit = 4
        const [, u1] = await validatorSetup(2, { commitRevealEnabled: false, weightsRateLimit: limit })
        await chain.setWeights(hk[0]!, { uids: [u1!], weights: [1] })
        await expectCode(chain.setWeights(hk[0]!, { uids: [u1!], weights: [2] }), 'CHAIN_WEIGHTS_RATE_LIMITED')
        const elig = await chain.canSetWeights(hk[0]!.ss58)
        expect(elig.blocksUntilAllowed).toBeGreaterThan(0)
        await env.admin.advanceBlocks(limit + 1)
        await chain.setWeights(hk[0]!, { uids: [u1!], weights: [2] })
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'commit-reveal on: setWeights refused; commit then reveal in commit epoch + period; early refused',
      async (ctx) => {
        if (!feature('hashCommitReveal')) ctx.skip()
        const [u0, u1, u2] = await validatorSetup(3, {
          commitRevealEnabled: true,
          commitRevealPeriod: 1,
          weightsRateLimit: 0,
        })
        const input = { uids: [u1!, u2!], weights: [1, 3], salt: [7, 8, 9], versionKey: 0n }
        await expectCode(chain.setWeights(hk[0]!, input), 'CHAIN_COMMIT_REVEAL_ENABLED')
        const head = (await chain.head()).number
        await advanceToEpoch(epochIndex(head, TEST_TEMPO, chain.netuid) + 1)
        const commit = await chain.commitWeights(hk[0]!, input)
        const commitEpoch = epochIndex(commit.blockNumber, TEST_TEMPO, chain.netuid)
        await expectCode(chain.revealWeights(hk[0]!, input), 'CHAIN_REVEAL_TOO_EARLY')
        await advanceToEpoch(commitEpoch + 1)
        await chain.revealWeights(hk[0]!, input)
        expect((await chain.weights()).get(u0!)).toEqual([
          [u1, 21845],
          [u2, 65535],
        ])
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'subnet owner: the hotkey set as owner, read fresh; it alone skips the stake gate',
      async () => {
        // A threshold no unstaked hotkey meets (some runtimes ship 0), so only the owner exemption passes it.
        await env.admin.setHyperparameters({ stakeThreshold: 1_000_000n })
        await env.admin.setSubnetOwner(hk[2]!)
        expect(await chain.subnetOwner()).toBe(hk[2]!.ss58)
        await env.admin.register(hk[2]!)
        await env.admin.register(hk[3]!)
        const owner = await chain.canSetWeights(hk[2]!.ss58)
        expect(owner).toMatchObject({ stakeSufficient: true, validatorPermit: true })
        expect((await chain.canSetWeights(hk[3]!.ss58)).stakeSufficient).toBe(false)
        // Ownership moves: the next read names the new hotkey and the exemption moves with it. (The old owner
        // is not checked: on Subtensor it has meanwhile earned the owner cut as stake.)
        await env.admin.setSubnetOwner(hk[3]!)
        expect(await chain.subnetOwner()).toBe(hk[3]!.ss58)
        expect(await chain.canSetWeights(hk[3]!.ss58)).toMatchObject({ stakeSufficient: true, validatorPermit: true })
        const ac = new AbortController()
        ac.abort(new Error('stop'))
        await expect(chain.subnetOwner({ signal: ac.signal })).rejects.toBe(ac.signal.reason)
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'subnet owner: undefined for a subnet that does not exist',
      async () => {
        const other = await env.chainOn(MISSING_NETUID)
        try {
          expect(other.netuid).toBe(MISSING_NETUID)
          expect(await other.subnetOwner()).toBeUndefined()
        } finally {
          await other.close()
        }
      },
      CASE_TIMEOUT_MS,
    )

    it(
      'block stream: consecutive blocks from the given start, none skipped',
      async () => {
        const start = (await chain.head()).number
        const ac = new AbortController()
        const it = chain.blocks({ from: start, signal: ac.signal })[Symbol.asyncIterator]()
        await env.admin.advanceBlocks(3)
        const seen: number[] = []
        for (let i = 0; i < 3; i++) {
          const next = await it.next()
          expect(next.done).toBe(false)
          seen.push((next.value as { number: number }).number)
        }
        ac.abort()
        await it.return?.()
        expect(seen).toEqual([start + 1, start + 2, start + 3])
      },
      CASE_TIMEOUT_MS,
    )
  })
}
