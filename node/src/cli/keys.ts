import { Command } from 'commander'
import {
  createNodeKey,
  DEFAULT_WALLETS_PATH,
  devAccounts,
  generateMnemonic,
  hotkeyFilePaths,
  howToFix,
  type Logger,
  loadHotkey,
  loadNodeKey,
  saveNodeKey,
  silentLogger,
  typedAction,
  writeHotkeyFile,
} from '#protocol'

/** Where `kinitro keys` writes; tests capture it, the CLI leaves the defaults. */
export interface KeysCommandInit {
  /** Command output (results, tables, JSON). @default process.stdout */
  stdout?: (text: string) => void
  /** Warnings and errors. @default process.stderr */
  stderr?: (text: string) => void
}

interface Io {
  out: (text: string) => void
  err: (text: string) => void
}

type HotkeyOpts = { wallet: string; hotkey: string; walletsPath: string; json?: boolean; force?: boolean }

// Key files found readable by others are worth a line on stderr, not a failure: btcli itself never checks.
function warningLogger(io: Io): Logger {
  return {
    ...silentLogger,
    warn: (msg, ctx) => {
      const code = typeof ctx?.code === 'string' ? ctx.code : undefined
      const fix = (code !== undefined && howToFix(code)) || ''
      io.err(
        `warning ${code ?? ''}: ${msg}: ${String(ctx?.path ?? '')} (mode ${String(ctx?.mode ?? '?')})\nhow to fix: ${fix}\n`,
      )
    },
  }
}

// Actions take their parsed options first, as commander's own `(opts, cmd)` would; typed errors become
// "error CODE: message" + "how to fix" and exit code 1 through the shared wrapper.
function action<T extends Record<string, unknown>>(fn: (opts: T, cmd: Command) => Promise<void> | void) {
  return typedAction(function (this: Command) {
    return fn(this.opts<T>(), this)
  })
}

function lines(io: Io, rows: Array<[label: string, value: string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length))
  for (const [label, value] of rows) io.out(`${`${label}:`.padEnd(width + 2)}${value}\n`)
}

const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString('hex')}`

function hotkeyOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--wallet <name>', 'wallet (coldkey) name, as btcli --wallet.name')
    .requiredOption('--hotkey <name>', 'hotkey name, as btcli --wallet.hotkey')
    .option('--wallets-path <dir>', 'wallets directory', DEFAULT_WALLETS_PATH)
    .option('--json', 'print JSON')
}

function addCreateHotkey(keys: Command, io: Io): void {
  hotkeyOptions(keys.command('create-hotkey').description('create a hotkey in btcli wallet format (unencrypted)'))
    .option('--force', 'overwrite an existing hotkey file (its key is lost)')
    .action(
      action<HotkeyOpts>(async (o) => {
        const mnemonic = generateMnemonic()
        const loc = { wallet: o.wallet, hotkey: o.hotkey, path: o.walletsPath }
        const { hotkey, file, pubFile } = await writeHotkeyFile({
          ...loc,
          secret: { mnemonic },
          force: o.force ?? false,
        })
        const warning =
          'IMPORTANT: the mnemonic is shown only now. Anyone holding it controls this hotkey; store it offline.'
        if (o.json) {
          io.err(`${warning}\n`)
          const doc = { ...loc, ss58: hotkey.ss58, publicKey: hex(hotkey.publicKey), file, pubFile, mnemonic }
          io.out(`${JSON.stringify(doc, null, 2)}\n`)
          return
        }
        lines(io, [
          ['hotkey', `${o.wallet}/${o.hotkey}`],
          ['ss58', hotkey.ss58],
          ['public key', hex(hotkey.publicKey)],
          ['file', file],
        ])
        io.out(`\n${warning}\nmnemonic: ${mnemonic}\n`)
      }),
    )
}

function addShowHotkey(keys: Command, io: Io): void {
  hotkeyOptions(keys.command('show-hotkey').description('show a hotkey address and where it was read from')).action(
    action<HotkeyOpts>(async (o) => {
      const loc = { wallet: o.wallet, hotkey: o.hotkey, path: o.walletsPath }
      const hotkey = await loadHotkey({ ...loc, logger: warningLogger(io) })
      const { file } = hotkeyFilePaths(loc)
      if (o.json) {
        io.out(`${JSON.stringify({ ...loc, ss58: hotkey.ss58, publicKey: hex(hotkey.publicKey), file }, null, 2)}\n`)
        return
      }
      lines(io, [
        ['ss58', hotkey.ss58],
        ['public key', hex(hotkey.publicKey)],
        ['file', file],
      ])
    }),
  )
}

function addNodeKeyCommands(keys: Command, io: Io): void {
  keys
    .command('create-node-key')
    .description('create a libp2p node key (ed25519, protobuf, mode 0600)')
    .requiredOption('--out <file>', 'where to write the node key')
    .option('--force', 'overwrite an existing node key file (the peer id changes)')
    .option('--json', 'print JSON')
    .action(
      action<{ out: string; force?: boolean; json?: boolean }>(async (o) => {
        const key = await createNodeKey()
        const file = await saveNodeKey(o.out, key, { force: o.force ?? false })
        printNodeKey(io, { peerId: key.peerId.toString(), publicKey: hex(key.publicKey), file }, o.json)
      }),
    )
  keys
    .command('show-node-key')
    .description('show the peer id and public key of a node key file')
    .requiredOption('--file <file>', 'the node key file')
    .option('--json', 'print JSON')
    .action(
      action<{ file: string; json?: boolean }>(async (o) => {
        const key = await loadNodeKey(o.file, { logger: warningLogger(io) })
        printNodeKey(io, { peerId: key.peerId.toString(), publicKey: hex(key.publicKey), file: o.file }, o.json)
      }),
    )
}

function printNodeKey(io: Io, doc: { peerId: string; publicKey: string; file: string }, json?: boolean): void {
  if (json) {
    io.out(`${JSON.stringify(doc, null, 2)}\n`)
    return
  }
  lines(io, [
    ['peer id', doc.peerId],
    ['public key', doc.publicKey],
    ['file', doc.file],
  ])
}

function addDevAccounts(keys: Command, io: Io): void {
  keys
    .command('dev-accounts')
    .description('list the well-known dev accounts (//Alice, //Bob, …) for the dev chain')
    .option('--json', 'print JSON')
    .action(
      action<{ json?: boolean }>((o) => {
        const accounts = devAccounts()
        if (o.json) {
          io.out(`${JSON.stringify(accounts, null, 2)}\n`)
          return
        }
        for (const a of accounts) io.out(`${a.name.padEnd(8)}${a.uri.padEnd(10)}${a.ss58}\n`)
        io.err('these keys are public: use them on the dev chain only\n')
      }),
    )
}

/**
 * `kinitro keys …`: create and inspect hotkeys (btcli wallet format) and libp2p node keys.
 *
 * @example
 * ```ts
 * await keysCommand().parseAsync(['show-hotkey', '--wallet', 'v', '--hotkey', 'default'], { from: 'user' })
 * ```
 */
export function keysCommand(init: KeysCommandInit = {}): Command {
  const io: Io = {
    out: init.stdout ?? ((text) => process.stdout.write(text)),
    err: init.stderr ?? ((text) => process.stderr.write(text)),
  }
  // Set before adding subcommands: commander copies output settings into each one as it is created.
  const keys = new Command('keys')
    .description('create and inspect hotkeys and node keys')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
  addCreateHotkey(keys, io)
  addShowHotkey(keys, io)
  addNodeKeyCommands(keys, io)
  addDevAccounts(keys, io)
  return keys
}
