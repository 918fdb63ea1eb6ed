import {
  type Chain,
  computeWeights,
  createDevChain,
  type DevChain,
  type Hotkey,
  type Hyperparameters,
  hotkeyFromUri,
  type ScoringInput,
} from '#protocol'

export const NETUID = 1
// Small enough for quick epochs, as in the chain compliance suite.
export const TEMPO = 12
const STAKE = 1_000_000_000_000n

/** A dev chain with a staked validator (Alice, holding a permit) and two miners (Bob, Charlie). */
export interface WeightsEnv {
  dev: DevChain
  chain: Chain
  validator: Hotkey
  miners: Hotkey[]
  outsider: Hotkey
  close(): Promise<void>
}

export async function weightsEnv(patch: Partial<Hyperparameters>): Promise<WeightsEnv> {
  const dev = await createDevChain()
  const [validator, bob, charlie, outsider] = await Promise.all(
    ['//Alice', '//Bob', '//Charlie', '//Dave'].map(hotkeyFromUri),
  )
  if (!validator || !bob || !charlie || !outsider) throw new Error('dev accounts')
  for (const h of [validator, bob, charlie, outsider]) await dev.admin.fund(h.ss58, 10_000_000_000_000n)
  await dev.admin.setHyperparameters(NETUID, { tempo: TEMPO, minAllowedWeights: 1, ...patch })
  for (const h of [validator, bob, charlie]) await dev.admin.register(NETUID, h.ss58)
  await dev.admin.addStake(NETUID, validator.ss58, STAKE)
  // One epoch so the staked validator holds a permit.
  await dev.admin.advance(TEMPO + 2)
  const chain = dev.client(NETUID)
  return {
    dev,
    chain,
    validator,
    miners: [bob, charlie],
    outsider,
    close: async () => {
      await chain.close()
      await dev.close()
    },
  }
}

/** Scoring input over the chain's metagraph: both miners evaluated by the validator, Bob better. */
export async function scoringInput(env: WeightsEnv): Promise<ScoringInput> {
  const mg = await env.chain.metagraph()
  const [bob, charlie] = env.miners as [Hotkey, Hotkey]
  const result = (miner: string, successRate: number) => ({
    validator: env.validator.ss58,
    stake: 1,
    miner,
    competitionId: 'reach',
    envId: 'reach-v0',
    successRate,
    episodes: 50,
  })
  return {
    competitions: [{ id: 'reach', strategy: 'kinitro-subset-v1', envIds: ['reach-v0'] }],
    commitments: [
      { hotkey: bob.ss58, block: 3 },
      { hotkey: charlie.ss58, block: 4 },
    ],
    results: [result(bob.ss58, 0.9), result(charlie.ss58, 0.4)],
    metagraph: mg.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey })),
  }
}

/** The vector the chain should hold for `input`, as [uid, u16] pairs. */
export function expectedRow(input: ScoringInput): Array<[number, number]> {
  const out = computeWeights(input)
  return out.u16.uids.map((u, i) => [u, out.u16.values[i] as number])
}

/** Poll `cond` until true; throws after a generous deadline (proves "does not hang", not timing). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
