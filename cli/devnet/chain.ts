import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type Chain,
  type ChainKind,
  createDevChain,
  createSubtensorChain,
  createSubtensorDevAdmin,
  type DevChainAdmin,
  hasCode,
  type SubtensorDevAdmin,
} from '#protocol'
import { DevnetError } from './errors.js'

/** The chain a devnet runs on: the embedded dev chain, or a Subtensor runtime under chopsticks. */
export interface DevnetChain {
  readonly kind: ChainKind
  /** What validators and the indexer put in `chain.url`. */
  readonly url: string
  readonly admin: DevChainAdmin
  /** A client of `netuid` for the devnet process itself; close it when done. */
  client(netuid: number): Promise<Chain>
  /**
   * Produce a block every `blockMs` from now on. The embedded chain does from the start; chopsticks in
   * Instant mode builds a block only when a transaction arrives, so the devnet pumps `dev_newBlock` (only
   * after its storage writes: `dev_setStorage` edits the head block, and a block built meanwhile could miss them).
   */
  startBlocks(): void
  /** One line for the banner: where the chain is and how it makes blocks. */
  describe(netuid: number): string
  close(): Promise<void>
}

/** Inputs of {@link openDevnetChain}. */
export interface OpenDevnetChainInit {
  /** A chopsticks ws:// endpoint; absent: start the embedded dev chain. */
  chainUrl?: string
  dataDir: string
  /** Port of the embedded chain. */
  port: number
  blockMs: number
  /** Where the block pump reports trouble. */
  out: (line: string) => void
}

/** Start the embedded dev chain, or connect to a chopsticks node and check it can be administered. */
export async function openDevnetChain(init: OpenDevnetChainInit): Promise<DevnetChain> {
  const { chainUrl, blockMs } = init
  if (chainUrl === undefined) {
    const dev = await createDevChain({
      path: join(init.dataDir, 'chain.sqlite'),
      blockTimeMs: blockMs,
      port: init.port,
    })
    return {
      kind: 'dev',
      url: dev.url,
      admin: dev.admin,
      client: async (netuid) => dev.client(netuid),
      startBlocks: () => undefined,
      describe: (netuid) => `dev chain      ${dev.url}  (netuid ${netuid}, ${blockMs} ms blocks)`,
      close: () => dev.close(),
    }
  }
  let admin: SubtensorDevAdmin
  try {
    admin = await createSubtensorDevAdmin({ url: chainUrl })
  } catch (err) {
    if (hasCode(err, 'CHAIN_UNSUPPORTED') && err.meta.call === 'devAdmin') {
      throw new DevnetError(
        { code: 'DEVNET_CHAIN_NOT_DEV', url: chainUrl, missing: (err.meta.missing as string[] | undefined) ?? [] },
        `${chainUrl} is not a chopsticks dev node (no dev_newBlock/dev_setStorage): a devnet registers, stakes and sets hyperparameters, which a live Subtensor allows only to the subnet owner and sudo`,
        { cause: err },
      )
    }
    throw err
  }
  const pump = new AbortController()
  let pumping: Promise<void> | undefined
  return {
    kind: 'subtensor',
    url: chainUrl,
    admin,
    client: (netuid) => createSubtensorChain({ url: chainUrl, netuid }),
    startBlocks() {
      pumping ??= pumpBlocks(admin, blockMs, pump.signal, init.out)
    },
    describe: (netuid) =>
      `chain          ${chainUrl}  (Subtensor spec ${admin.profile.specVersion} under chopsticks, netuid ${netuid}, a block every ${blockMs} ms)`,
    async close() {
      pump.abort()
      await pumping
      await admin.close()
    },
  }
}

/**
 * `dev_newBlock` every `blockMs` (one at a time: a build that takes longer delays the next instead of queueing
 * more). A failure is reported once per streak and retried on the next tick: nodes see a stalled chain either way.
 */
async function pumpBlocks(
  admin: DevChainAdmin,
  blockMs: number,
  signal: AbortSignal,
  out: (line: string) => void,
): Promise<void> {
  let failing = false
  while (!signal.aborted) {
    const started = Date.now()
    try {
      await admin.advance(1)
      failing = false
    } catch (err) {
      if (signal.aborted) return
      if (!failing) out(`block pump: ${err instanceof Error ? err.message : String(err)} (retrying)`)
      failing = true
    }
    await sleep(Math.max(0, blockMs - (Date.now() - started)), undefined, { signal }).catch(() => undefined)
  }
}

/** How a devnet's state file remembers its chain (absent in files written before external chains). */
export interface DevnetChainRecord {
  kind: ChainKind
  /** The chopsticks endpoint; the embedded chain's URL changes with its port and is not kept. */
  url?: string
}

function label(record: DevnetChainRecord): string {
  return record.kind === 'dev' ? 'the embedded dev chain' : `the chopsticks node at ${record.url}`
}

/**
 * Refuse to resume a devnet on another chain than it was made on. The embedded chain's state is in the data
 * dir; a chopsticks node keeps it in its own process, so a restarted node (or another one) no longer holds the
 * devnet's registrations: that shows as the first validator missing from the metagraph.
 */
export async function checkResumable(
  was: DevnetChainRecord,
  net: DevnetChain,
  chain: Chain,
  firstValidator: string,
  dataDir: string,
): Promise<void> {
  const now: DevnetChainRecord = net.kind === 'dev' ? { kind: 'dev' } : { kind: net.kind, url: net.url }
  if (was.kind !== now.kind) {
    throw new DevnetError(
      { code: 'DEVNET_CHAIN_CHANGED', dataDir, was: label(was), now: label(now) },
      `the devnet in ${dataDir} ran on ${label(was)}, not ${label(now)}`,
    )
  }
  if (now.kind === 'dev') return
  const registered = (await chain.metagraph()).neurons.some((n) => n.hotkey === firstValidator)
  if (!registered) {
    throw new DevnetError(
      { code: 'DEVNET_CHAIN_CHANGED', dataDir, was: label(was), now: label(now) },
      `${label(now)} does not hold the devnet in ${dataDir} (its validator ${firstValidator} is not registered): a chopsticks node keeps its state in memory, so a restarted node starts from genesis`,
    )
  }
}
