import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command } from 'commander'
import { type CompetitionManifest, messageId, signCompetitionManifest, typedAction } from '#protocol'
import { competitionInfo } from '../health/competitions.js'
import { addApprove, addCandidates, addReject, addRerun } from './competition-actions.js'
import { fetchCompetitions } from './competition-client.js'
import {
  collect,
  hex,
  type Io,
  keyOptions,
  type NodeOpts,
  nodeOptions,
  positiveInt,
  publish,
} from './competition-common.js'
import { CompetitionError } from './competition-errors.js'
import { readEnvelopeLines, showCompetition } from './competition-output.js'
import { type KeyOpts, retiredManifest, withOwner } from './competition-owner.js'
import { buildManifest, readSpecFile, type SpecFlags, specFrom } from './competition-spec.js'

/** Output, environment and working directory of `kinitro competition`; tests capture and pin them. */
export interface CompetitionCommandInit {
  /** @default process.stdout */
  stdout?: (text: string) => void
  /** @default process.stderr */
  stderr?: (text: string) => void
  /** `KINITRO_*` settings and `KINITRO_HOTKEY_MNEMONIC`. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** Where relative `--out` paths land. @default process.cwd() */
  cwd?: string
}

function writeEnvelope(io: Io, file: string, m: CompetitionManifest, envelope: Uint8Array, signer: string): string {
  const path = resolve(io.cwd, file)
  // The `#` line is skipped by the node's `mesh.manifests` reader; it says what the hex is.
  writeFileSync(path, `# competition ${m.id}, block ${m.block}, signed by ${signer}\n${hex(envelope)}\n`)
  return path
}

function addCreate(group: Command, io: Io): void {
  keyOptions(
    nodeOptions(
      group
        .command('create')
        .description("build a competition manifest, sign it with the subnet owner's hotkey and write it (hex)"),
    ),
  )
    .option('--spec <file>', 'TOML file with the competition (flags override its keys)')
    .option('--id <id>', 'competition id (lowercase letters, digits, . _ -)')
    .option('--name <text>', 'display name (default: the id)')
    .option('--task <env[:task]>', 'a task, e.g. mujoco/reach-v1 or mujoco/push-v1:push-far (repeat)', collect, [])
    .option('--episodes-per-task <n>', 'episodes per task and job')
    .option('--max-steps <n>', 'step limit per episode')
    .option('--strategy <id>', 'scoring strategy (default kinitro-subset-v1)')
    .option('--param <key=value>', 'numeric scoring parameter (repeat)', collect, [])
    .option('--start-block <n>', 'first block of cycle 0 (default: the block after the head)')
    .option('--end-block <n>', 'last block; 0 = open-ended (default 0)')
    .option('--points <n>', 'share of emissions relative to other competitions (default 1)')
    .option('--cycle-length <n>', 'blocks per evaluation cycle (default 360)')
    .option('--out <file>', 'where to write the signed envelope (default <id>.manifest.hex)')
    .option('--publish', 'also hand it to the node at --node')
    .addHelpText(
      'after',
      `
The signer must be the chain's subnet owner (checked before signing). The file is what a node's
mesh.manifests setting reads; publish it with \`kinitro competition publish <file>\`.

Example:
  KINITRO_HOTKEY_MNEMONIC="…" kinitro competition create --id reach --task mujoco/reach-v1 \\
    --episodes-per-task 8 --max-steps 200 --chain-url http://127.0.0.1:9933 --publish`,
    )
    .action(
      typedAction(async function (this: Command) {
        const o = this.opts<KeyOpts & NodeOpts & SpecFlags & { spec?: string; out?: string; publish?: boolean }>()
        const spec = specFrom(o.spec === undefined ? {} : readSpecFile(resolve(io.cwd, o.spec)), o)
        await withOwner(o, io.env, async (s) => {
          const head = (await s.chain.head()).number
          const manifest = buildManifest(spec, { netuid: s.netuid, head })
          const envelope = signCompetitionManifest(manifest, s.hotkey.signer)
          const file = writeEnvelope(io, o.out ?? `${manifest.id}.manifest.hex`, manifest, envelope, s.hotkey.ss58)
          const info = competitionInfo(manifest, head)
          if (o.json) {
            const doc = { messageId: hex(messageId(envelope)), file, envelope: hex(envelope), competition: info }
            io.out(`${JSON.stringify(doc, null, 2)}\n`)
          } else {
            io.out(
              `${showCompetition(info)}\nsigned by ${s.hotkey.ss58} (owner of subnet ${s.netuid}) at block ${head}\n`,
            )
            io.out(`written to ${file}\n${hex(envelope)}\n`)
          }
          if (o.publish) await publish(io, { ...o, json: false }, [envelope])
        })
      }),
    )
}

function addPublish(group: Command, io: Io): void {
  nodeOptions(
    group
      .command('publish')
      .description("hand signed manifests to a node's relay: validated like gossip, stored and published")
      .argument('<file>', 'hex envelopes, one per line (what `competition create` writes)'),
  )
    .addHelpText(
      'after',
      `
Exits 1 when the node refuses any envelope, printing its validation code and how to fix it.

Example:
  kinitro competition publish reach.manifest.hex --node http://127.0.0.1:9615`,
    )
    .action(
      typedAction(async function (this: Command, file: string) {
        await publish(io, this.opts<NodeOpts>(), readEnvelopeLines(resolve(io.cwd, file)))
      }),
    )
}

function addList(group: Command, io: Io): void {
  nodeOptions(group.command('list').description('the competitions a node knows, with their state at its head'))
    .addHelpText('after', '\nExample:\n  kinitro competition list --node http://127.0.0.1:9615 --json')
    .action(
      typedAction(async function (this: Command) {
        const o = this.opts<NodeOpts>()
        const list = await fetchCompetitions(o.node, o.timeout)
        if (o.json) return void io.out(`${JSON.stringify(list, null, 2)}\n`)
        io.out(`head ${list.head}: ${list.competitions.length} competition(s)\n`)
        for (const c of list.competitions) io.out(`${showCompetition(c)}\n`)
      }),
    )
}

function addRetire(group: Command, io: Io): void {
  keyOptions(
    nodeOptions(
      group
        .command('retire')
        .description('end a competition: re-sign its manifest with end_block = head (or --at) and publish it')
        .argument('<id>', 'competition id'),
    ),
  )
    .option('--at <block>', 'last block of the competition (default: the chain head)', positiveInt)
    .option('--out <file>', 'also write the signed envelope here')
    .addHelpText(
      'after',
      `
The cycle running at the end block is the last one; nodes plan no cycle after it.

Example:
  KINITRO_HOTKEY_MNEMONIC="…" kinitro competition retire reach --node http://127.0.0.1:9615 \\
    --chain-url http://127.0.0.1:9933`,
    )
    .action(
      typedAction(async function (this: Command, id: string) {
        const o = this.opts<KeyOpts & NodeOpts & { at?: number; out?: string }>()
        await withOwner(o, io.env, async (s) => {
          const list = await fetchCompetitions(o.node, o.timeout)
          const current = list.competitions.find((c) => c.id === id)
          if (current === undefined) {
            const known = list.competitions.map((c) => c.id)
            throw new CompetitionError(
              { code: 'NODE_COMPETITION_UNKNOWN', id, known },
              `${o.node} knows no competition ${id} (known: ${known.join(', ') || 'none'})`,
            )
          }
          const head = (await s.chain.head()).number
          const manifest = retiredManifest(current, s.netuid, head, o.at ?? head)
          const envelope = signCompetitionManifest(manifest, s.hotkey.signer)
          if (o.out !== undefined) writeEnvelope(io, o.out, manifest, envelope, s.hotkey.ss58)
          if (!o.json) io.out(`retiring ${id}: end block ${manifest.endBlock} (manifest block ${manifest.block})\n`)
          await publish(io, o, [envelope])
        })
      }),
    )
}

/**
 * `kinitro competition create|publish|list|retire|candidates|approve|reject|rerun`: the subnet owner's
 * tools. Manifests and owner actions are signed with the owner hotkey here and handed to any node's relay,
 * which validates them exactly like gossip and publishes them on the mesh.
 *
 * @example
 * ```ts
 * await competitionCommand().parseAsync(['list', '--node', 'http://127.0.0.1:9615'], { from: 'user' })
 * ```
 */
export function competitionCommand(init: CompetitionCommandInit = {}): Command {
  const io: Io = {
    out: init.stdout ?? ((t) => void process.stdout.write(t)),
    err: init.stderr ?? ((t) => void process.stderr.write(t)),
    env: init.env ?? process.env,
    cwd: init.cwd ?? process.cwd(),
  }
  const group = new Command('competition')
    .description(
      "subnet owner tools: create, publish, list and retire competitions; review leader candidates and ask for re-runs (signed with the owner's hotkey)",
    )
    .configureOutput({ writeOut: io.out, writeErr: io.err })
  addCreate(group, io)
  addPublish(group, io)
  addList(group, io)
  addRetire(group, io)
  addCandidates(group, io)
  addApprove(group, io)
  addReject(group, io)
  addRerun(group, io)
  return group
}
