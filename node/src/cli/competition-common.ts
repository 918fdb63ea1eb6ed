import { type Command, Option } from 'commander'
import { addConfigOptions } from '#protocol'
import type { RelayAnswer } from '../health/relay.js'
import { nodeConfigSchema } from '../options.js'
import { DEFAULT_NODE_URL, NODE_REQUEST_TIMEOUT_MS, relayEnvelope } from './competition-client.js'
import { CompetitionError } from './competition-errors.js'
import { showRelay } from './competition-output.js'

/** Where `kinitro competition` writes and what it reads: pinned by tests. */
export interface Io {
  out: (t: string) => void
  err: (t: string) => void
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

/** The options every command that talks to a node takes. */
export type NodeOpts = { node: string; timeout: number; json?: boolean }

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
export const collect = (v: string, prev: string[]) => [...prev, v]
export const positiveInt = (v: string) => {
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${v} is not a positive integer`)
  return n
}

// Chain and signing key come from the node's config sections (TOML < KINITRO_* env < flags), so an owner
// who runs a node reuses its node.toml; `KINITRO_HOTKEY_MNEMONIC` overrides the wallet files.
export function keyOptions(cmd: Command): Command {
  return addConfigOptions(cmd, nodeConfigSchema, ['netuid', 'chain', 'wallet'])
}

export function nodeOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--node <url>', "the node's health/admin URL (its health.host and health.port)")
        .env('KINITRO_NODE_URL')
        .default(DEFAULT_NODE_URL),
    )
    .option('--timeout <ms>', 'per-request timeout', positiveInt, NODE_REQUEST_TIMEOUT_MS)
    .option('--json', 'print JSON')
}

/** Publish envelopes one by one; report each, then fail once if any was refused. */
export async function publish(io: Io, o: NodeOpts, envelopes: readonly Uint8Array[]): Promise<RelayAnswer[]> {
  const answers: RelayAnswer[] = []
  for (const e of envelopes) {
    const a = await relayEnvelope(o.node, e, o.timeout)
    answers.push(a)
    if (!o.json) io.out(`${showRelay(a)}\n`)
  }
  if (o.json) io.out(`${JSON.stringify(answers, null, 2)}\n`)
  const refused = answers.filter((a) => a.result !== 'accepted')
  if (refused.length > 0) {
    const items = refused.map((a) => ({
      competition: a.competition?.id ?? a.action?.competitionId ?? null,
      result: a.result,
      reason: `${a.code}`,
    }))
    throw new CompetitionError(
      { code: 'NODE_COMPETITION_NOT_ACCEPTED', refused: items },
      `${refused.length} of ${answers.length} not accepted by ${o.node}: ${refused.map((a) => `${a.code} (${a.fix ?? a.result})`).join('; ')}`,
    )
  }
  return answers
}
