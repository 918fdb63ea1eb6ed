import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { addConfigOptions, typedAction } from '#protocol'
import { minerConfigFrom, minerConfigSchema } from '../config.js'
import { IGNORE_FILE } from '../package/ignore.js'
import { ARCHIVE_FILE, BUILD_DIR, MANIFEST_FILE, packagePolicy } from '../package/pack.js'
import type { MinerIo } from './io.js'

interface PackageOptions {
  out?: string
  json?: boolean
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** The policy folder a command works on: its `[dir]` argument, else `policy.dir` from the config; from `io.cwd`. */
export function policyDirOf(command: Command, io: MinerIo, dirArg: string | undefined): string {
  if (dirArg !== undefined) return resolve(io.cwd, dirArg)
  return resolve(io.cwd, minerConfigFrom(command, io).policy.dir)
}

/** `kinitro miner package [dir]`: the reproducible archive validators download, with its manifest. */
export function addPackageCommands(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('package')
    .description(
      `pack the policy folder into a reproducible ${ARCHIVE_FILE} (sorted, fixed mtimes and owners) and write ` +
        `${MANIFEST_FILE} (every file's size and SHA-256, the archive's SHA-256)`,
    )
    .argument('[dir]', 'the policy folder (default: policy.dir from kinitro-miner.toml, i.e. this folder)')
    .option('--out <dir>', `where to write ${ARCHIVE_FILE} and ${MANIFEST_FILE} (default: <dir>/${BUILD_DIR})`)
    .option('--json', 'print the manifest and what was left out as JSON')
  addConfigOptions(cmd, minerConfigSchema, ['policy.dir'])
  cmd
    .addHelpText(
      'after',
      `
Left out: ${BUILD_DIR}/ (and --out), .git, node_modules, __pycache__, .venv at any depth, and the patterns in
${IGNORE_FILE} (one a line; * and ? within a name, ** across folders, a trailing / for folders only, a leading /
anchors at the policy folder). Symbolic links, FIFOs, sockets and unreadable files are refused. The same files
give the same bytes on every run: only paths, contents and executable bits reach the archive.

The archive must fit the validators' fetch limits (512 MiB packed, 2 GiB unpacked, 10 000 files): package warns
at 80% and refuses past them.

Examples:
  kinitro miner package
  kinitro miner package ./my-policy --out /tmp/release --json`,
    )
    .action(
      typedAction(async function (this: Command, dirArg: string | undefined, opts: PackageOptions) {
        const dir = policyDirOf(this, io, dirArg)
        const result = await packagePolicy({
          dir,
          ...(opts.out === undefined ? {} : { out: resolve(io.cwd, opts.out) }),
          onWarning: (text) => io.err(`warning: ${text}`),
        })
        const m = result.manifest
        if (opts.json) {
          const { archivePath, manifestPath, excluded, unpackedBytes, warnings } = result
          io.out(JSON.stringify({ ...m, archivePath, manifestPath, unpackedBytes, excluded, warnings }, null, 2))
          return
        }
        const show = (p: string) => relative(io.cwd, p) || '.'
        io.out(
          `packaged "${m.name}": ${m.files.length} files, ${size(result.unpackedBytes)} → ${show(result.archivePath)} ` +
            `(${size(m.archive.bytes)})`,
        )
        io.out(`sha256   ${m.archive.sha256}`)
        io.out(`manifest ${show(result.manifestPath)}`)
        if (result.excluded.length > 0) io.out(`left out ${result.excluded.join(', ')}`)
        io.out('next:    kinitro miner upload')
      }),
    )
}
