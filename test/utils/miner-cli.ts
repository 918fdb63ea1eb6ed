import { minerCommand } from '#miner'

/** What one `kinitro miner …` invocation printed and how it exited. */
export interface MinerRun {
  out: string
  err: string
  code: number
}

/**
 * Run `kinitro miner <argv>` in this process the way the shell would (working directory `cwd`, environment
 * `env` on top of this process's), capturing its output and exit code.
 */
export async function runMiner(cwd: string, env: Record<string, string>, argv: string[]): Promise<MinerRun> {
  let out = ''
  let err = ''
  const cmd = minerCommand({
    io: {
      out: (t) => {
        out += `${t}\n`
      },
      err: (t) => {
        err += `${t}\n`
      },
      isTTY: false,
      env: { ...process.env, ...env },
      cwd,
    },
  })
  const all = (c: typeof cmd): (typeof cmd)[] => [c, ...c.commands.flatMap(all)]
  for (const c of all(cmd)) {
    c.exitOverride()
    c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) })
  }
  let code = 0
  try {
    await cmd.parseAsync(argv, { from: 'user' })
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 1
    if (typeof (e as { exitCode?: number }).exitCode !== 'number') err += String((e as Error).stack ?? e)
  }
  return { out, err, code }
}

/** The URL on the first devnet banner line starting with `prefix` (`dev chain`, `artifact hub`, `dashboard`). */
export function bannerUrl(lines: readonly string[], prefix: string): string {
  const line = lines.find((l) => l.startsWith(prefix))
  const url = line === undefined ? undefined : /(https?:\/\/[^\s]+)/u.exec(line)?.[1]
  if (url === undefined) throw new Error(`no ${prefix} line in:\n${lines.join('\n')}`)
  return url.replace(/\/$/u, '')
}
