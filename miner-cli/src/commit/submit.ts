import { setTimeout as sleep } from 'node:timers/promises'
import { type Chain, type Hotkey, MAX_COMMITMENT_BYTES } from '#protocol'
import { minerChainError, notRegistered } from './chain.js'
import { CommitError } from './errors.js'

/** Inputs of {@link submitCommitment}. */
export interface SubmitCommitmentInit {
  chain: Chain
  hotkey: Hotkey
  text: string
  signal?: AbortSignal
  /** Wallet names, so "not registered" can print the exact `btcli` command. */
  wallet?: { name: string; hotkey: string }
  /** Read-backs before declaring a mismatch (Subtensor may show the new value a block late). @default 5 */
  readbackAttempts?: number
  /** @default 1000 */
  readbackDelayMs?: number
}

/** What {@link submitCommitment} did. */
export interface SubmittedCommitment {
  /** `committed`: sent and read back; `unchanged`: the chain already held these bytes, nothing was sent. */
  status: 'committed' | 'unchanged'
  commitment: string
  hotkey: string
  netuid: number
  /** Block the chain records for the commitment (`CommitmentOf.block`). */
  block: number
  /** Its hash when known ('' when the chain could not say). */
  blockHash: string
}

const utf8 = new TextEncoder()

/**
 * Put `text` on chain as the hotkey's commitment, after the checks the chain would fail it on (so no doomed
 * transaction is sent): the hotkey is registered on the netuid and the text fits. An identical commitment
 * already on chain is reported as `unchanged` without sending (re-committing would spend commitment space
 * and move the commitment block, which restarts the miner's first-commit clock). After sending, the
 * commitment is read back and compared byte for byte.
 *
 * @throws {@link CommitError} `MINER_COMMIT_NOT_REGISTERED`, `MINER_COMMIT_TOO_LARGE`, `MINER_COMMIT_RATE_LIMITED`,
 * `MINER_COMMIT_CHAIN_UNAVAILABLE`, `MINER_COMMIT_CHAIN_REFUSED`, `MINER_COMMIT_SUBNET_NOT_FOUND`,
 * `MINER_COMMIT_READBACK_MISMATCH`.
 */
export async function submitCommitment(init: SubmitCommitmentInit): Promise<SubmittedCommitment> {
  const { chain, hotkey, text } = init
  const opts = init.signal === undefined ? {} : { signal: init.signal }
  const netuid = chain.netuid
  const data = utf8.encode(text)
  if (data.length > MAX_COMMITMENT_BYTES) {
    throw new CommitError(
      {
        code: 'MINER_COMMIT_TOO_LARGE',
        bytes: data.length,
        limit: MAX_COMMITMENT_BYTES,
        over: data.length - MAX_COMMITMENT_BYTES,
        format: 'text',
        parts: {},
      },
      `the commitment is ${data.length} bytes, ${data.length - MAX_COMMITMENT_BYTES} over the chain's ${MAX_COMMITMENT_BYTES}`,
    )
  }
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      throw minerChainError(err, netuid, hotkey.ss58)
    }
  }
  const metagraph = await call(() => chain.metagraph(opts))
  if (!metagraph.neurons.some((n) => n.hotkey === hotkey.ss58)) {
    throw notRegistered(hotkey.ss58, netuid, undefined, init.wallet)
  }
  const base = { commitment: text, hotkey: hotkey.ss58, netuid }
  const current = await call(() => chain.commitment(hotkey.ss58, opts))
  if (current !== undefined && equal(current.data, data)) {
    return {
      ...base,
      status: 'unchanged',
      block: current.block,
      blockHash: await blockHashAt(chain, current.block, init.signal),
    }
  }
  const receipt = await call(() => chain.setCommitment(hotkey, data, opts))
  const attempts = init.readbackAttempts ?? 5
  let found: Uint8Array | undefined
  for (let i = 0; i < attempts; i++) {
    const entry = await call(() => chain.commitment(hotkey.ss58, opts))
    found = entry?.data
    if (entry !== undefined && equal(entry.data, data)) {
      const blockHash =
        entry.block === receipt.blockNumber ? receipt.blockHash : await blockHashAt(chain, entry.block, init.signal)
      return { ...base, status: 'committed', block: entry.block, blockHash }
    }
    if (i + 1 < attempts) await sleep(init.readbackDelayMs ?? 1000, undefined, opts)
  }
  const shown = found === undefined ? '(nothing)' : Buffer.from(found).toString('utf8')
  throw new CommitError(
    { code: 'MINER_COMMIT_READBACK_MISMATCH', hotkey: hotkey.ss58, expected: text, found: shown },
    `the transaction was included in block ${receipt.blockNumber}, but the chain now holds ${JSON.stringify(shown)} for ${hotkey.ss58}`,
  )
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * The hash of block `n`, from the chain's block stream (the `Chain` seam has no by-number lookup). Bounded:
 * '' when the chain cannot say within 10 s, since the record is still useful without it.
 */
async function blockHashAt(chain: Chain, n: number, signal?: AbortSignal): Promise<string> {
  const head = await chain.head(signal === undefined ? {} : { signal }).catch(() => undefined)
  if (head?.number === n) return head.hash
  if (n < 1) return ''
  // Our own controller too: leaving the loop early must also close the stream's connection.
  const done = new AbortController()
  const stop = AbortSignal.any([done.signal, AbortSignal.timeout(10_000), ...(signal === undefined ? [] : [signal])])
  try {
    for await (const block of chain.blocks({ from: n - 1, signal: stop })) {
      if (block.number === n) return block.hash
      if (block.number > n) break
    }
  } catch {
    // A missing hash is not worth failing a commit that succeeded.
  } finally {
    done.abort()
  }
  return ''
}
