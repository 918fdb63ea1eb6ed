import { CHAIN_ERROR_FIXES, type Chain, ChainError, DEFAULT_CHAIN_URLS, openChain, parseCommitment } from '#protocol'
import type { MinerConfig } from '../config.js'
import { CommitError } from './errors.js'

/** The chain the miner's config names, for its netuid. */
export function openMinerChain(config: MinerConfig): Promise<Chain> {
  const kind = config.chain.kind
  return openChain({ kind, url: config.chain.url ?? DEFAULT_CHAIN_URLS[kind], netuid: config.netuid }).catch(
    (err: unknown) => {
      throw minerChainError(err, config.netuid)
    },
  )
}

/**
 * A chain failure as the miner's error: connection problems, the commitment rate limit and "not
 * registered" get their own codes; anything else keeps the chain's code and fix in the message.
 */
export function minerChainError(err: unknown, netuid: number, hotkey?: string): unknown {
  if (!(err instanceof ChainError)) return err
  const chainCode = err.code
  const detail = err.message
  switch (chainCode) {
    case 'CHAIN_CONNECTION_FAILED':
    case 'CHAIN_DISCONNECTED':
    case 'CHAIN_TIMEOUT':
      return new CommitError(
        { code: 'MINER_COMMIT_CHAIN_UNAVAILABLE', chainCode, detail },
        `the chain did not answer (${chainCode}): ${detail}`,
        { cause: err },
      )
    case 'CHAIN_COMMITMENT_RATE_LIMITED':
      return new CommitError(
        { code: 'MINER_COMMIT_RATE_LIMITED', chainCode, detail },
        `the chain refused the commitment for now: ${detail}`,
        { cause: err },
      )
    case 'CHAIN_SUBNET_NOT_FOUND':
      return new CommitError({ code: 'MINER_COMMIT_SUBNET_NOT_FOUND', netuid }, `no subnet ${netuid} on this chain`, {
        cause: err,
      })
    case 'CHAIN_NOT_REGISTERED':
      if (hotkey !== undefined) return notRegistered(hotkey, netuid, err)
      break
  }
  return new CommitError(
    { code: 'MINER_COMMIT_CHAIN_REFUSED', chainCode, detail },
    `${chainCode}: ${detail} (chain's advice: ${CHAIN_ERROR_FIXES[chainCode]})`,
    { cause: err },
  )
}

/** `MINER_COMMIT_NOT_REGISTERED` with the exact command for this wallet when it is known. */
export function notRegistered(
  hotkey: string,
  netuid: number,
  cause?: unknown,
  wallet?: { name: string; hotkey: string },
): CommitError {
  const register =
    wallet === undefined
      ? `btcli subnets register --netuid ${netuid}`
      : `btcli subnets register --netuid ${netuid} --wallet.name ${wallet.name} --wallet.hotkey ${wallet.hotkey}`
  return new CommitError(
    { code: 'MINER_COMMIT_NOT_REGISTERED', hotkey, netuid },
    `hotkey ${hotkey} is not registered on netuid ${netuid}, so the chain would refuse its commitment. ` +
      `Register it with \`${register}\` (on a dev chain: the admin API's register)`,
    { cause },
  )
}

/**
 * The backend operator's X25519 public key, from the `backend-pubkey` commitment
 * (`{"t":"pk","k":"<64 hex>"}`) on its hotkey, as the reference backend publishes it.
 *
 * @throws {@link CommitError} `MINER_COMMIT_BACKEND_KEY_MISSING`.
 */
export async function backendPublicKeyOf(chain: Chain, backendHotkey: string, signal?: AbortSignal): Promise<string> {
  let entry: Awaited<ReturnType<Chain['commitment']>>
  try {
    entry = await chain.commitment(backendHotkey, { ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    throw minerChainError(err, chain.netuid)
  }
  const parsed = entry === undefined ? undefined : parseCommitment(entry.data)
  if (parsed?.format === 'backend-pubkey') return parsed.publicKey
  const found = parsed === undefined ? 'no commitment' : `a ${parsed.format} commitment`
  throw new CommitError(
    { code: 'MINER_COMMIT_BACKEND_KEY_MISSING', backendHotkey, found },
    `backend hotkey ${backendHotkey} has ${found} on netuid ${chain.netuid}, not a backend public key`,
  )
}
