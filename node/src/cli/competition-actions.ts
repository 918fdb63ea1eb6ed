import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import {
  createOwnerAction,
  decodeSs58,
  isValidationError,
  type OwnerActionInit,
  ownerActionName,
  parseCandidateId,
  signOwnerAction,
  typedAction,
} from '#protocol'
import type { CandidatesSnapshot } from '../health/candidates.js'
import { fetchCandidates, fetchCompetitions } from './competition-client.js'
import { collect, hex, type Io, keyOptions, type NodeOpts, nodeOptions, publish } from './competition-common.js'
import { CompetitionError } from './competition-errors.js'
import { showCandidates } from './competition-output.js'
import { type KeyOpts, type OwnerSession, withOwner } from './competition-owner.js'

type ActionOpts = KeyOpts & NodeOpts & { reason?: string; out?: string }

function badAction(field: string, value: string, reason: string): CompetitionError {
  return new CompetitionError(
    { code: 'NODE_COMPETITION_BAD_ACTION', field, value, reason },
    `${field} ${value}: ${reason}`,
  )
}

function checkCandidateId(candidateId: string): void {
  if (parseCandidateId(candidateId) === undefined) {
    throw badAction('candidate-id', candidateId, 'not <miner SS58>@<commitment block>')
  }
}

/** Sign `init` (made at the chain head) with the owner's hotkey and hand it to the node's relay. */
async function signAndPublish(io: Io, o: ActionOpts, s: OwnerSession, init: OwnerActionInit): Promise<void> {
  let envelope: Uint8Array
  const action = createOwnerAction(init)
  try {
    envelope = signOwnerAction(action, s.hotkey.signer)
  } catch (err) {
    // The content rules run at signing: a reason with control characters or over 256 bytes lands here.
    if (isValidationError(err)) throw badAction(String(err.meta.field ?? 'action'), '', err.message)
    throw err
  }
  if (o.out !== undefined) {
    // Same format as manifests (`competition publish` reads it): a record of what the owner signed.
    const what = `${ownerActionName(action.action)} in ${action.competitionId}, block ${action.block}`
    writeFileSync(resolve(io.cwd, o.out), `# ${what}, signed by ${s.hotkey.ss58}\n${hex(envelope)}\n`)
  }
  await publish(io, o, [envelope])
}

async function headOf(s: OwnerSession): Promise<number> {
  return (await s.chain.head()).number
}

/**
 * The block to sign an approve/reject at: the head, but after the newest decision the node holds for the
 * competition. Decisions apply in (block, message id) order, so two made within one block would otherwise
 * apply in an order the owner does not choose. (Freshness allows up to 10 blocks ahead of a node's head.)
 */
async function decisionBlock(s: OwnerSession, snap: CandidatesSnapshot): Promise<number> {
  const head = await headOf(s)
  return snap.lastDecisionBlock === null ? head : Math.max(head, snap.lastDecisionBlock + 1)
}

const reasonOf = (o: ActionOpts): { reason?: string } => (o.reason === undefined ? {} : { reason: o.reason })

/** `kinitro competition candidates <competition>`: what the owner reviews, with the figures. */
export function addCandidates(group: Command, io: Io): void {
  nodeOptions(
    group
      .command('candidates')
      .description("a winner-take-all competition's leader candidates as the node scores them now")
      .argument('<competition>', 'competition id'),
  )
    .addHelpText('after', '\nExample:\n  kinitro competition candidates reach --node http://127.0.0.1:9615')
    .action(
      typedAction(async function (this: Command, id: string) {
        const o = this.opts<NodeOpts>()
        const snap = await fetchCandidates(o.node, id, o.timeout)
        io.out(o.json ? `${JSON.stringify(snap, null, 2)}\n` : `${showCandidates(snap)}\n`)
      }),
    )
}

/** `kinitro competition approve <competition> <candidate-id>`: the figures come from `candidates`. */
export function addApprove(group: Command, io: Io): void {
  keyOptions(
    nodeOptions(
      group
        .command('approve')
        .description('approve a leader candidate: it leads the competition, its figures become the baseline')
        .argument('<competition>', 'competition id')
        .argument('<candidate-id>', '<miner SS58>@<commitment block>, as `competition candidates` prints it'),
    ),
  )
    .option('--reason <text>', 'why, for the record (≤ 256 bytes)')
    .option('--out <file>', 'also write the signed envelope here (`competition publish` reads it)')
    .addHelpText(
      'after',
      `
The success rate and reward signed with the approval are the ones the node reports for the candidate now,
so every validator applies the same baseline whenever it scores.

Example:
  KINITRO_HOTKEY_MNEMONIC="…" kinitro competition approve reach 5F…@1200 --chain-url http://127.0.0.1:9933`,
    )
    .action(
      typedAction(async function (this: Command, id: string, candidateId: string) {
        const o = this.opts<ActionOpts>()
        checkCandidateId(candidateId)
        await withOwner(o, io.env, async (s) => {
          const snap = await fetchCandidates(o.node, id, o.timeout)
          const c = snap.candidates.find((x) => x.candidateId === candidateId)
          if (c === undefined) {
            const listed = snap.candidates.map((x) => x.candidateId)
            throw new CompetitionError(
              { code: 'NODE_COMPETITION_NOT_CANDIDATE', id, candidateId, candidates: listed },
              `${o.node} does not list ${candidateId} as a candidate of ${id} (candidates: ${listed.join(', ') || 'none'})`,
            )
          }
          const block = await decisionBlock(s, snap)
          if (!o.json) {
            io.out(
              `approving ${candidateId} in ${id}: success ${c.successRate}, reward ${c.avgReward} (block ${block})\n`,
            )
          }
          const init = { action: 'approve' as const, netuid: s.netuid, block, competitionId: id, candidateId }
          await signAndPublish(io, o, s, {
            ...init,
            successRate: c.successRate,
            avgReward: c.avgReward,
            ...reasonOf(o),
          })
        })
      }),
    )
}

/** `kinitro competition reject <competition> <candidate-id> [--reason]`. */
export function addReject(group: Command, io: Io): void {
  keyOptions(
    nodeOptions(
      group
        .command('reject')
        .description('reject a leader candidate: it is no longer listed, and an approval of it is withdrawn')
        .argument('<competition>', 'competition id')
        .argument('<candidate-id>', '<miner SS58>@<commitment block>'),
    ),
  )
    .option('--reason <text>', 'why, for the record (≤ 256 bytes)')
    .option('--out <file>', 'also write the signed envelope here (`competition publish` reads it)')
    .addHelpText(
      'after',
      '\nExample:\n  KINITRO_HOTKEY_MNEMONIC="…" kinitro competition reject reach 5F…@1200 --reason "copied policy"',
    )
    .action(
      typedAction(async function (this: Command, id: string, candidateId: string) {
        const o = this.opts<ActionOpts>()
        checkCandidateId(candidateId)
        await withOwner(o, io.env, async (s) => {
          // Refuses an unknown competition before anything is signed.
          const snap = await fetchCandidates(o.node, id, o.timeout)
          const block = await decisionBlock(s, snap)
          if (!o.json) io.out(`rejecting ${candidateId} in ${id} (block ${block})\n`)
          await signAndPublish(io, o, s, {
            action: 'reject',
            netuid: s.netuid,
            block,
            competitionId: id,
            candidateId,
            ...reasonOf(o),
          })
        })
      }),
    )
}

/** `kinitro competition rerun <miner-ss58> --competition <id> [--task env …]`. */
export function addRerun(group: Command, io: Io): void {
  keyOptions(
    nodeOptions(
      group
        .command('rerun')
        .description("evaluate a miner's current commitment again; its results replace the older ones")
        .argument('<miner>', "the miner's SS58 hotkey"),
    ),
  )
    .requiredOption('--competition <id>', 'competition id')
    .option('--task <env>', 'an env id of the competition to evaluate (repeat; default: every task)', collect, [])
    .option('--reason <text>', 'why, for the record (≤ 256 bytes)')
    .option('--out <file>', 'also write the signed envelope here (`competition publish` reads it)')
    .addHelpText(
      'after',
      `
Every validator plans the same extra job (its id derives from this action) for the commitment the miner
has at the signing block, assigned like any job; a miner that commits again before the nodes plan it is
not re-run (its new commitment is evaluated anyway).

Example:
  KINITRO_HOTKEY_MNEMONIC="…" kinitro competition rerun 5G… --competition reach --task mujoco/reach-v1`,
    )
    .action(
      typedAction(async function (this: Command, miner: string) {
        const o = this.opts<ActionOpts & { competition: string; task: string[] }>()
        let minerHotkey: Uint8Array
        try {
          minerHotkey = decodeSs58(miner)
        } catch {
          throw badAction('miner', miner, 'not an SS58 hotkey (prefix 42)')
        }
        await withOwner(o, io.env, async (s) => {
          const list = await fetchCompetitions(o.node, o.timeout)
          const c = list.competitions.find((x) => x.id === o.competition)
          if (c === undefined) {
            const known = list.competitions.map((x) => x.id)
            throw new CompetitionError(
              { code: 'NODE_COMPETITION_UNKNOWN', id: o.competition, known },
              `${o.node} knows no competition ${o.competition} (known: ${known.join(', ') || 'none'})`,
            )
          }
          const envs = new Set(c.tasks.map((t) => t.envId))
          const unknown = o.task.find((t) => !envs.has(t))
          if (unknown !== undefined) {
            throw badAction('--task', unknown, `not an env of ${c.id} (envs: ${[...envs].join(', ')})`)
          }
          const block = await headOf(s)
          const what = o.task.length === 0 ? 'every task' : o.task.join(', ')
          if (!o.json) io.out(`re-running ${miner} in ${c.id} on ${what} (block ${block})\n`)
          await signAndPublish(io, o, s, {
            action: 'rerun',
            netuid: s.netuid,
            block,
            competitionId: c.id,
            minerHotkey,
            envIds: o.task,
            ...reasonOf(o),
          })
        })
      }),
    )
}
