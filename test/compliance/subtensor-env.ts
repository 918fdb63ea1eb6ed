import { setTimeout as sleep } from 'node:timers/promises'
import type { Hyperparameters } from '../../protocol/src/chain/chain.js'
import { createSubtensorDevAdmin, type SubtensorDevAdmin } from '../../protocol/src/chain/subtensor/dev-admin.js'
import { createSubtensorChain } from '../../protocol/src/chain/subtensor/subtensor-chain.js'
import { type Hotkey, hotkeyFromUri } from '../../protocol/src/identity/hotkey.js'
import type { ChainTestEnv, ChainTestFeatures } from '../../protocol/test/compliance/chain.suite.js'
import { type ChopsticksNode, startChopsticks } from '../utils/chopsticks.js'

// Fund far above burn (≤ 1 TAO), stake (the suite's 1000 TAO) and fees.
const FUNDING_RAO = 1_000_000_000_000_000n
const HOTKEY_URIS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve']
// Within the suite's 180 s setup budget; a leftover build of ~100 blocks ends well inside it.
const FRESH_CHILD_DEADLINE_MS = 120_000
const FRESH_CHILD_RETRY_MS = 1_000

/** A chopsticks node booted once per test file, reverted to a prepared block before every case. */
export interface ChopsticksSuite {
  setup(): Promise<ChainTestEnv>
  stop(): Promise<void>
}

/**
 * The chain suite's env for a real Subtensor runtime under chopsticks: privileged steps write storage with
 * `dev_setStorage` (runtime-agnostic, no sudo key needed), registration and stake are real extrinsics paid
 * by one coldkey, and every case starts from a new child of the same block (`dev_setHead` + one block).
 */
export function chopsticksSuite(
  specFile: string,
  netuid: number,
  features: ChainTestFeatures,
  base: Partial<Hyperparameters> = {},
): ChopsticksSuite {
  let node: ChopsticksNode | undefined
  let admin: SubtensorDevAdmin | undefined
  let baseHash: string | undefined
  let hotkeys: Hotkey[] = []

  async function boot(): Promise<void> {
    node = await startChopsticks(specFile)
    admin = await createSubtensorDevAdmin({ url: node.url })
    hotkeys = await Promise.all(HOTKEY_URIS.map(hotkeyFromUri))
    for (const h of hotkeys) await admin.fund(h.ss58, FUNDING_RAO)
    // Opens registration, starts emission and deepens the pool; no owner: the genesis subnet has none.
    await admin.createSubnet(netuid)
    await admin.setHyperparameters(netuid, base)
    baseHash = (await admin.advance(1)).hash
  }

  // `dev_setStorage` edits the head block in place: a case that wrote storage before its first block would
  // edit the prepared block itself, and every later case would start from its leftovers (seen: an owner
  // hotkey set by one case was still there in the next). Each case builds on a fresh child instead, and
  // checks it is one: blocks an earlier, timed-out case asked for are still being built and move the head
  // under it (seen under load), so it retries until that build is done.
  async function startOnFreshChild(): Promise<void> {
    const deadline = Date.now() + FRESH_CHILD_DEADLINE_MS
    do {
      await admin!.setHead(baseHash as string)
      const child = await admin!.advance(1)
      const header = await admin!.send<{ parentHash: string }>('chain_getHeader', [child.hash])
      if (header.parentHash === baseHash) return
      await sleep(FRESH_CHILD_RETRY_MS)
    } while (Date.now() < deadline)
    throw new Error(`${specFile}: could not start a case on a child of the prepared block ${baseHash}`)
  }

  async function setup(): Promise<ChainTestEnv> {
    if (node === undefined) await boot()
    await startOnFreshChild()
    const a = admin!
    const chain = await createSubtensorChain({ url: node!.url, netuid, inclusionTimeoutMs: 30_000 })
    return {
      chain,
      hotkeys: hotkeys.slice(),
      features,
      chainOn: (other) => createSubtensorChain({ url: node!.url, netuid: other }),
      admin: {
        register: async (h) => {
          await a.register(netuid, h.ss58)
        },
        addStake: async (h, rao) => {
          await a.addStake(netuid, h.ss58, rao)
        },
        advanceBlocks: async (n) => {
          await a.advance(n)
        },
        setHyperparameters: async (patch) => {
          await a.setHyperparameters(netuid, patch)
        },
        setSubnetOwner: (h) => a.createSubnet(netuid, h.ss58),
      },
      teardown: () => chain.close(),
    }
  }

  return {
    setup,
    async stop() {
      // Stop the node even if the client hangs on disconnect.
      await Promise.race([admin?.close(), new Promise((r) => setTimeout(r, 5_000).unref())])
      await node?.stop()
    },
  }
}
