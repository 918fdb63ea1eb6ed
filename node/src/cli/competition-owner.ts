import {
  type Chain,
  type CompetitionManifest,
  createCompetitionManifest,
  DEFAULT_CHAIN_URLS,
  type Hotkey,
  loadConfig,
  openChain,
  resolveHotkey,
} from '#protocol'
import type { CompetitionInfo } from '../health/competitions.js'
import { nodeConfigSchema } from '../options.js'
import { CompetitionError } from './competition-errors.js'

/** `--config` and the node-config flags a command was given (commander's attribute names). */
export type KeyOpts = { config?: string } & Record<string, unknown>

/** An open chain and the loaded signing hotkey. */
export interface OwnerSession {
  chain: Chain
  hotkey: Hotkey
  netuid: number
}

/** Open the chain and load the signing hotkey named by the config; the caller closes the chain. */
async function ownerSession(o: KeyOpts, env: Readonly<Record<string, string | undefined>>): Promise<OwnerSession> {
  const pick = ['netuid', 'chainKind', 'chainUrl', 'walletName', 'walletHotkey', 'walletPath']
  const flags = Object.fromEntries(pick.map((k) => [k, o[k]]))
  const { config } = loadConfig(nodeConfigSchema, { file: o.config, flags, env })
  const { hotkey } = await resolveHotkey({
    wallet: config.wallet.name,
    hotkey: config.wallet.hotkey,
    path: config.wallet.path,
    env,
  })
  const chain = await openChain({
    kind: config.chain.kind,
    url: config.chain.url ?? DEFAULT_CHAIN_URLS[config.chain.kind],
    netuid: config.netuid,
  })
  return { chain, hotkey, netuid: config.netuid }
}

/** Refuse before signing: the mesh accepts manifests only from the chain's current subnet owner. */
async function assertOwner(s: OwnerSession): Promise<void> {
  const owner = (await s.chain.subnetOwner()) ?? null
  if (owner === s.hotkey.ss58) return
  throw new CompetitionError(
    { code: 'NODE_COMPETITION_NOT_OWNER', signer: s.hotkey.ss58, owner, netuid: s.netuid },
    owner === null
      ? `subnet ${s.netuid} has no owner on this chain`
      : `${s.hotkey.ss58} is not the owner of subnet ${s.netuid} (the owner is ${owner}); validators would ignore its manifests`,
  )
}

/** Open the session, check the owner, run `fn`, close the chain. */
export async function withOwner<T>(
  o: KeyOpts,
  env: Readonly<Record<string, string | undefined>>,
  fn: (s: OwnerSession) => Promise<T>,
): Promise<T> {
  const s = await ownerSession(o, env)
  try {
    await assertOwner(s)
    return await fn(s)
  } finally {
    await s.chain.close()
  }
}

/** The manifest `retire` signs: the current one with `endBlock = at`, made at a block that supersedes it. */
export function retiredManifest(c: CompetitionInfo, netuid: number, head: number, at: number): CompetitionManifest {
  if (at <= c.startBlock || (c.endBlock !== 0 && c.endBlock <= at)) {
    const why =
      at <= c.startBlock
        ? `--at ${at} is not after its start block ${c.startBlock}`
        : `it already ends at block ${c.endBlock}`
    throw new CompetitionError(
      { code: 'NODE_COMPETITION_BAD_RETIRE', id: c.id, at, startBlock: c.startBlock, endBlock: c.endBlock },
      `cannot retire ${c.id} at block ${at}: ${why}`,
    )
  }
  return createCompetitionManifest({
    ...c,
    netuid,
    // The registry keeps the highest block per id: the retirement must be newer than what it replaces.
    block: Math.max(head, c.block + 1),
    endBlock: at,
  })
}
