import { afterAll, describe, expect, it } from 'vitest'
import { chainSuite } from '../../protocol/test/compliance/chain.suite.js'
import { hasChainFixtures } from '../utils/chopsticks.js'
import { type ChopsticksSuite, chopsticksSuite } from './subtensor-env.js'

// Real Subtensor runtimes under chopsticks (shared/fixtures/chain/README.md). CI has the fixtures; a user's
// clone does not, and this tier then skips with the message below. Nodes boot on first use, once per runtime.
const NETUID = 1
const HAS_FIXTURES = hasChainFixtures()
// As the suite's cases: setup may be the node's first boot.
const FIXTURE_OWNER_TIMEOUT_MS = 180_000

// The real value: both fixtures' genesis builders add subnet 1 without writing SubnetOwnerHotkey, so it reads
// as the all-zero default (checked against the raw storage of both), which the adapter reports as no owner.
function fixtureHasNoOwner(suite: ChopsticksSuite): void {
  it(
    'the fixture subnet has no SubnetOwnerHotkey at genesis: subnetOwner() is undefined',
    async () => {
      const env = await suite.setup()
      try {
        expect(await env.chain.subnetOwner()).toBeUndefined()
      } finally {
        await env.teardown()
      }
    },
    FIXTURE_OWNER_TIMEOUT_MS,
  )
}

if (!HAS_FIXTURES) {
  console.warn('skipping the chopsticks tier: ../shared/fixtures/chain/ is absent (CI provides it)')
}

describe.runIf(HAS_FIXTURES)('Subtensor under chopsticks', () => {
  // Spec 293 (mid-2025): typed runtime APIs, space-limited commitments, CR v2; no timelocked commits offline.
  const spec293 = chopsticksSuite('subtensor-spec293.raw.json', NETUID, { spaceLimit: true, hashCommitReveal: true })
  afterAll(() => spec293.stop(), 60_000)
  chainSuite('Subtensor spec 293 (chopsticks)', spec293.setup)
  fixtureHasNoOwner(spec293)

  // Spec 218 (raonet, Feb 2025): opaque runtime APIs (storage metagraph), per-block commitment rate limit.
  const spec218 = chopsticksSuite('raonet.json', NETUID, {
    spaceLimit: false,
    hashCommitReveal: true,
    permitsFollowStake: false,
    commitmentRateLimitBlocks: 100,
  })
  afterAll(() => spec218.stop(), 60_000)
  chainSuite('Subtensor spec 218 raonet (chopsticks)', spec218.setup)
  fixtureHasNoOwner(spec218)
})
