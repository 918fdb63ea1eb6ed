import { z } from 'zod'

// Request shapes the server accepts, validated before anything touches the state (a malformed body is a
// 400 CHAIN_BAD_REQUEST, never a crash). Bigints arrive already decoded by codec.ts `parse`.

const hex = z.string().regex(/^0x([0-9a-f]{2})*$/i, 'expected 0x-prefixed hex of whole bytes')
const u16 = z.number().int().min(0).max(65535)
const u64 = z.bigint().min(0n).max(0xffff_ffff_ffff_ffffn)
const ss58 = z.string().min(40).max(60)
const netuid = u16

/** A call a hotkey signs. */
export const devCallSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('setCommitment'), data: hex.max(2 + 2 * 4096) }),
  z.strictObject({
    method: z.literal('setWeights'),
    uids: z.array(u16).max(65536),
    weights: z.array(u16).max(65536),
    versionKey: u64,
  }),
  z.strictObject({ method: z.literal('commitWeights'), hash: hex.length(66) }),
  z.strictObject({
    method: z.literal('revealWeights'),
    uids: z.array(u16).max(65536),
    weights: z.array(u16).max(65536),
    salt: z.array(u16).max(65536),
    versionKey: u64,
  }),
  z.strictObject({
    method: z.literal('commitTimelockedWeights'),
    commit: hex.max(2 + 2 * 8192),
    revealRound: u64,
    commitRevealVersion: u16,
  }),
])

/** The signed envelope's content: who, which subnet, which nonce, what. */
export const signedCallSchema = z.strictObject({
  netuid,
  signer: ss58,
  nonce: z.number().int().min(0),
  call: devCallSchema,
})

/** `POST /tx` body: the exact JSON text that was signed, plus the signature. */
export const txBodySchema = z.strictObject({ call: z.string().max(262_144), signature: hex.length(130) })

/** `POST /rpc` body: read methods. */
export const rpcBodySchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('head') }),
  z.strictObject({ method: z.literal('nonce'), account: ss58 }),
  z.strictObject({ method: z.literal('metagraph'), netuid }),
  z.strictObject({ method: z.literal('hyperparameters'), netuid }),
  z.strictObject({ method: z.literal('commitments'), netuid }),
  z.strictObject({ method: z.literal('commitment'), netuid, hotkey: ss58 }),
  z.strictObject({ method: z.literal('weights'), netuid }),
  z.strictObject({ method: z.literal('canSetWeights'), netuid, hotkey: ss58 }),
  z.strictObject({ method: z.literal('subnetOwner'), netuid }),
])

const hyperPatch = z
  .strictObject({
    tempo: z.number().int().min(1).max(65535),
    weightsRateLimit: z.number().int().min(0),
    weightsVersionKey: u64,
    commitRevealEnabled: z.boolean(),
    commitRevealPeriod: z.number().int().min(0).max(1000),
    maxWeightLimit: u16,
    minAllowedWeights: u16,
    maxAllowedValidators: u16,
    stakeThreshold: u64,
    maxAllowedUids: z.number().int().min(1).max(4096),
    immunityPeriod: z.number().int().min(0),
    commitmentMaxSpace: z.number().int().min(0),
    activityCutoff: z.number().int().min(0),
  })
  .partial()

/** `POST /admin` body: privileged devnet/test operations (no signature: loopback only). */
export const adminBodySchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('fund'), account: ss58, rao: u64 }),
  z.strictObject({ op: z.literal('createSubnet'), netuid, owner: ss58.optional() }),
  z.strictObject({ op: z.literal('register'), netuid, hotkey: ss58, coldkey: ss58.optional() }),
  z.strictObject({ op: z.literal('addStake'), netuid, hotkey: ss58, rao: u64 }),
  z.strictObject({ op: z.literal('setHyperparameters'), netuid, patch: hyperPatch }),
  z.strictObject({ op: z.literal('advance'), blocks: z.number().int().min(1).max(100_000) }),
])

export type SignedCall = z.infer<typeof signedCallSchema>
export type RpcBody = z.infer<typeof rpcBodySchema>
export type AdminBody = z.infer<typeof adminBodySchema>
