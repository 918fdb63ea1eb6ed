import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, fchmodSync, openSync, readFileSync, statSync } from 'node:fs'
import { REPO_ROOT } from '../utils/spawn.js'
import { isYes, onPath, type UnitFile, value } from './unit-file.js'

// There is no systemd manager on these machines (PID 1 is not systemd), so a unit cannot be started. What
// can be reproduced without it is what decides whether bubblewrap, SQLite and libp2p work inside the unit:
// its mounts (/proc, /tmp, /dev, read-only /), its identity (an unprivileged uid, no_new_privs, an empty
// capability bounding set). This builds that environment from the unit's own settings with unshare(1) and
// setpriv(1), and runs a command in it under strace(1), so SystemCallFilter= and RestrictAddressFamilies=,
// which need a seccomp loader we do not have, can be checked against the calls actually made.

/** Stand-in for the unit's User=: creating a real user would change this machine. */
export const STAND_IN_UID = 65534

/** Settings the emulation reproduces; anything else in the unit is not exercised by running. */
export const EMULATED = [
  'User',
  'NoNewPrivileges',
  'CapabilityBoundingSet',
  'ProtectSystem',
  'ProtectHome',
  'PrivateTmp',
  'PrivateDevices',
  'ProtectProc',
  'ProcSubset',
  'ProtectKernelTunables',
  'ProtectKernelLogs',
] as const

/** Whether this machine can build the emulation: root, and the tools it uses. */
export function emulationMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare -m, setpriv)'
  for (const tool of ['unshare', 'setpriv', 'strace', 'systemd-analyze', 'bwrap']) {
    if (!onPath(tool)) return `${tool} not installed`
  }
  // The stand-in uid must reach the repository (bin, dist, node_modules) to run it.
  for (let dir = REPO_ROOT; dir !== '/'; dir = dir.slice(0, dir.lastIndexOf('/')) || '/') {
    if ((statSync(dir).mode & 0o001) === 0) return `${dir} is not searchable by other users`
  }
  return undefined
}

/**
 * The shell script that sets up the unit's mounts in a private mount namespace (run by `unshare -m` as
 * root), creates `/tmp/state` for the stand-in user (the StateDirectory= stand-in, inside the private /tmp),
 * links `kinitroBin` as `/tmp/bin/kinitro`, then becomes the unit's user with its privilege settings and
 * execs "$@" under strace, which writes to fd 9. Tracing starts there, as the unit's seccomp filter would:
 * the setup's own mount and setuid calls are systemd's part, not the service's.
 */
export function emulationScript(unit: UnitFile, kinitroBin: string): string {
  const s = (key: string) => value(unit, 'Service', key)
  const lines = ['set -eu', 'mount --make-rprivate /']
  const strict = s('ProtectSystem')
  if (strict !== undefined && strict !== 'no') lines.push('mount -o remount,bind,ro /')
  if (isYes(s('ProtectHome'))) {
    for (const dir of ['/home', '/root', '/run/user']) {
      // Hiding the folder the repository lives in would hide the program under test.
      if (existsSync(dir) && !`${REPO_ROOT}/`.startsWith(`${dir}/`))
        lines.push(`mount -t tmpfs -o ro,mode=755 tmpfs ${dir}`)
    }
  }
  // Private /tmp first: it also hosts the host /dev while the private /dev is populated.
  if (isYes(s('PrivateTmp'))) lines.push('mount -t tmpfs -o mode=1777 tmpfs /tmp')
  if (isYes(s('PrivateDevices'))) {
    lines.push(
      'mkdir /tmp/.hostdev && mount --rbind /dev /tmp/.hostdev',
      'mount -t tmpfs -o mode=755,nosuid tmpfs /dev',
      'for n in null zero full random urandom tty; do touch /dev/$n; mount --bind /tmp/.hostdev/$n /dev/$n; done',
      'mkdir /dev/shm && mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm',
      'umount -l /tmp/.hostdev && rmdir /tmp/.hostdev',
    )
  }
  const procOptions: string[] = []
  const protectProc = s('ProtectProc')
  if (protectProc !== undefined && protectProc !== 'default') procOptions.push(`hidepid=${protectProc}`)
  if (s('ProcSubset') === 'pid') procOptions.push('subset=pid')
  if (procOptions.length > 0) lines.push(`mount -t proc -o ${procOptions.join(',')},nosuid,nodev,noexec proc /proc`)
  if (isYes(s('ProtectKernelTunables'))) {
    // Read-only binds over /proc/sys (when the subset still shows it) and /sys, as systemd does.
    lines.push('[ -d /proc/sys ] && mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || true')
    lines.push('mount --bind /sys /sys && mount -o remount,bind,ro /sys')
  }
  if (isYes(s('ProtectKernelLogs'))) lines.push('[ -e /proc/kmsg ] && mount --bind /dev/null /proc/kmsg || true')
  lines.push(
    `mkdir -p /tmp/state /tmp/bin && chown ${STAND_IN_UID}:${STAND_IN_UID} /tmp/state`,
    `ln -s '${kinitroBin}' /tmp/bin/kinitro`,
  )
  const setpriv = [`--reuid=${STAND_IN_UID}`, `--regid=${STAND_IN_UID}`, '--clear-groups']
  if (isYes(s('NoNewPrivileges'))) setpriv.push('--no-new-privs')
  const bounding = s('CapabilityBoundingSet')
  if (bounding !== undefined) {
    if (bounding !== '') throw new Error(`emulating CapabilityBoundingSet=${bounding} is not supported`)
    setpriv.push('--bounding-set=-all', '--inh-caps=-all')
  }
  // /proc/self/fd/9 reopens the trace file the test opened, which the private /tmp would otherwise hide.
  lines.push(`exec setpriv ${setpriv.join(' ')} -- strace -f -qq -s 0 -X raw -o /proc/self/fd/9 "$@"`)
  return lines.join('\n')
}

/** A command running inside the emulated unit, traced to `traceFile`. */
export interface EmulatedRun {
  child: ChildProcess
  stdout(): string
  stderr(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Run `argv` inside the unit's emulated environment, under `strace -f` (raw numbers, no strings) writing
 * to `traceFile`. `env` is the whole environment the command sees, as systemd gives a service only what
 * the unit and its EnvironmentFile= set.
 */
export function runEmulated(
  unit: UnitFile,
  argv: string[],
  opts: { env: Record<string, string>; traceFile: string; kinitroBin: string },
): EmulatedRun {
  const script = emulationScript(unit, opts.kinitroBin)
  // The stand-in user writes the trace through the inherited descriptor; the file itself must let it.
  const trace = openSync(opts.traceFile, 'w', 0o666)
  fchmodSync(trace, 0o666)
  const child = spawn('unshare', ['-m', '--', 'sh', '-c', script, 'sh', ...argv], {
    env: { PATH: '/tmp/bin:/usr/local/bin:/usr/bin:/bin', HOME: '/tmp/state', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', trace],
  })
  closeSync(trace)
  let out = ''
  let err = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('exit', (code, signal) => res({ code, signal }))
  })
  return { child, stdout: () => out, stderr: () => err, exited }
}

/**
 * The service's main process: strace's child, as systemd's MainPID would be. Signals go to it, because
 * strace run with -o blocks fatal signals and would only detach on a SIGKILL, leaving the service running.
 */
export async function mainPid(run: EmulatedRun, guardMs = 20_000): Promise<number> {
  const strace = run.child.pid as number
  const deadline = Date.now() + guardMs
  while (Date.now() < deadline) {
    try {
      const children = readFileSync(`/proc/${strace}/task/${strace}/children`, 'utf8').trim()
      if (children !== '') return Number(children.split(/\s+/)[0])
    } catch {
      // not started yet, or already gone
    }
    if (run.child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no traced process under strace ${strace}; stderr:\n${run.stderr()}`)
}

/** Stop an emulated run for good: SIGKILL the service, then strace. Safe to call when already stopped. */
export async function killEmulated(run: EmulatedRun): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return
  try {
    process.kill(await mainPid(run, 1_000), 'SIGKILL')
  } catch {
    // already gone
  }
  run.child.kill('SIGKILL')
  await run.exited
}
