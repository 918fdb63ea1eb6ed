import { afterAll, describe } from 'vitest'
import { chainSuite } from '../../protocol/test/compliance/chain.suite.js'
import { hasChainFixtures } from '../utils/chopsticks.js'
import { chopsticksSuite } from './subtensor-env.js'

// Real Subtensor runtimes under chopsticks (shared/fixtures/chain/README.md). CI has the fixtures; a user's
// clone does not, and this tier then skips with the message below. Nodes boot on first use, once per runtime.
const NETUID = 1
const HAS_FIXTURES = hasChainFixtures()

if (!HAS_FIXTURES) {
  console.warn('skipping the chopsticks tier: ../shared/fixtures/chain/ is absent (CI provides it)')
}

describe.runIf(HAS_FIXTURES)('Subtensor under chopsticks', () => {
  // Spec 293 (mid-2025): typed runtime APIs, space-limited commitments, CR v2; no timelocked commits offline.
  const spec293 = chopsticksSuite('subtensor-spec293.raw.json', NETUID, { spaceLimit: true, hashCommitReveal: true })
  afterAll(() => spec293.stop(), 60_000)
  chainSuite('Subtensor spec 293 (chopsticks)', spec293.setup)

  // Spec 218 (raonet, Feb 2025): opaque runtime APIs (storage metagraph), per-block commitment rate limit.
  const spec218 = chopsticksSuite('raonet.json', NETUID, {
    spaceLimit: false,
    hashCommitReveal: true,
    permitsFollowStake: false,
    commitmentRateLimitBlocks: 100,
  })
  afterAll(() => spec218.stop(), 60_000)
  chainSuite('Subtensor spec 218 raonet (chopsticks)', spec218.setup)
})
