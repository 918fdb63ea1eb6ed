import { KinitroError, registerErrorFixes } from '#protocol'

/** What the subnet owner should do about each `kinitro competition` code; node/README.md "Errors" mirrors it. */
export const COMPETITION_ERROR_FIXES = {
  NODE_COMPETITION_BAD_SPEC:
    'fix the named field in the flags or the --spec TOML file (`kinitro competition create --help` lists them)',
  NODE_COMPETITION_NOT_OWNER:
    "sign with the subnet owner's hotkey (--wallet-name/--wallet-hotkey or KINITRO_HOTKEY_MNEMONIC), on the right --netuid and chain",
  NODE_COMPETITION_BAD_FILE: 'pass a file written by `kinitro competition create` (hex envelopes, one per line)',
  NODE_COMPETITION_NODE_UNREACHABLE:
    "start the node with its health server on and pass that URL (--node, default http://127.0.0.1:9615); run the command on the node's machine",
  NODE_COMPETITION_BAD_ANSWER:
    'check that --node is a kinitro node health URL and that the node is recent enough to serve /v1/relay and /v1/competitions',
  NODE_COMPETITION_NOT_ACCEPTED:
    "act on the node's code and how-to-fix (printed with it); MESH_BINDING_NOT_PERMITTED means the signer is not the subnet owner in the node's view",
  NODE_COMPETITION_UNKNOWN:
    'check the id with `kinitro competition list`; a manifest published moments ago may still be on its way to this node',
  NODE_COMPETITION_BAD_RETIRE:
    'pick an end block after the competition start (--at), or nothing: the competition already ends at or before that block',
  NODE_COMPETITION_BAD_ACTION:
    'fix the named argument: a candidate id is <miner SS58>@<commitment block> as `kinitro competition candidates` prints it, a miner an SS58 hotkey, --task an env id of the competition, --reason at most 256 bytes',
  NODE_COMPETITION_NOT_CANDIDATE:
    'approve a candidate the node lists now (`kinitro competition candidates <competition>`): the approval carries its figures, so the node must report them',
} as const

/** One `kinitro competition` error code. */
export type CompetitionErrorCode = keyof typeof COMPETITION_ERROR_FIXES

/** Every code a {@link CompetitionError} can carry. */
export const COMPETITION_ERROR_CODES = Object.keys(COMPETITION_ERROR_FIXES) as readonly CompetitionErrorCode[]

/** One field the spec got wrong, and why. */
export interface SpecIssue {
  field: string
  problem: string
}

export type CompetitionErrorMeta =
  | { code: 'NODE_COMPETITION_BAD_SPEC'; issues: SpecIssue[] }
  | { code: 'NODE_COMPETITION_NOT_OWNER'; signer: string; owner: string | null; netuid: number }
  | { code: 'NODE_COMPETITION_BAD_FILE'; path: string; reason: string }
  | { code: 'NODE_COMPETITION_NODE_UNREACHABLE'; url: string; reason: string }
  | { code: 'NODE_COMPETITION_BAD_ANSWER'; url: string; status: number; reason: string }
  | { code: 'NODE_COMPETITION_NOT_ACCEPTED'; refused: { competition: string | null; result: string; reason: string }[] }
  | { code: 'NODE_COMPETITION_UNKNOWN'; id: string; known: string[] }
  | { code: 'NODE_COMPETITION_BAD_RETIRE'; id: string; at: number; startBlock: number; endBlock: number }
  | { code: 'NODE_COMPETITION_BAD_ACTION'; field: string; value: string; reason: string }
  | { code: 'NODE_COMPETITION_NOT_CANDIDATE'; id: string; candidateId: string; candidates: string[] }

/** Errors of the owner tools (`kinitro competition …`). Branch on `code`. */
export class CompetitionError extends KinitroError<CompetitionErrorMeta> {}

/** A spec error listing every bad field, so one run shows everything to fix. */
export function badSpec(issues: SpecIssue[]): CompetitionError {
  const text = issues.map((i) => `${i.field}: ${i.problem}`).join('; ')
  return new CompetitionError({ code: 'NODE_COMPETITION_BAD_SPEC', issues }, `invalid competition: ${text}`)
}

// The CLI prints "how to fix" for these codes even before the node's error registry lists them.
registerErrorFixes(COMPETITION_ERROR_FIXES)
