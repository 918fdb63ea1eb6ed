import { spawn } from 'node:child_process'
import { lstatSync, readlinkSync } from 'node:fs'

/** Paths inside the sandbox. */
export const SANDBOX_POLICY_DIR = '/policy'
export const SANDBOX_SCRATCH_DIR = '/scratch'
export const SANDBOX_SOCKET_DIR = '/run/kinitro'
export const SANDBOX_FORWARDER = '/opt/kinitro/forwarder.mjs'
/** The policy's port inside its own network namespace; every sandbox has its own `lo`, so no clashes. */
export const SANDBOX_PORT = 8000
/**
 * The uid/gid a policy sees inside the sandbox when it runs as a pooled host uid: nobody, which the
 * mounted /etc/passwd names (`getpass.getuser()`, `os.userInfo()` need an entry). Only the view changes:
 * the kernel checks and counts the host uid.
 */
export const SANDBOX_UID = 65_534

/** The minimal /etc: dynamic linker cache, name service basics, time zone, and Debian's alternatives links. */
const ETC_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/localtime',
]

/** System trees: merged-/usr hosts have /bin, /lib... as symlinks, which must stay symlinks inside. */
function systemTreeArgs(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr']
  for (const path of ['/bin', '/sbin', '/lib', '/lib64', '/lib32']) {
    try {
      const st = lstatSync(path)
      if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path)
      else if (st.isDirectory()) args.push('--ro-bind', path, path)
    } catch {
      // absent on this host: nothing to mount
    }
  }
  return args
}

/** The namespace and mount flags shared by the probe and real runs. */
function baseArgs(): string[] {
  return [
    '--unshare-all',
    // Explicit: as uid 0 `--unshare-all` only *tries* a user namespace and bwrap keeps every capability.
    '--unshare-user',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    ...systemTreeArgs(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
  ]
}

/** What one sandboxed run mounts. */
export interface SandboxMounts {
  policyDir: string
  scratchDir: string
  socketDir: string
  forwarderPath: string
  /** Interpreter prefix outside /usr, mounted read-only at the same path. */
  interpreterPrefix?: string
  tmpMiB: number
  env: Readonly<Record<string, string>>
  /** uid and gid inside the sandbox (`--uid`/`--gid`); undefined keeps the host ones. */
  insideId?: number
}

/** bwrap argv (without the command) for one policy. */
export function sandboxArgs(m: SandboxMounts): string[] {
  const args = [...baseArgs()]
  if (m.insideId !== undefined) args.push('--uid', String(m.insideId), '--gid', String(m.insideId))
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file)
  args.push('--size', String(m.tmpMiB * 1024 * 1024), '--tmpfs', '/tmp')
  args.push('--ro-bind', m.policyDir, SANDBOX_POLICY_DIR)
  args.push('--bind', m.scratchDir, SANDBOX_SCRATCH_DIR)
  args.push('--bind', m.socketDir, SANDBOX_SOCKET_DIR)
  args.push('--ro-bind', m.forwarderPath, SANDBOX_FORWARDER)
  if (m.interpreterPrefix) args.push('--ro-bind', m.interpreterPrefix, m.interpreterPrefix)
  args.push('--chdir', SANDBOX_POLICY_DIR, '--clearenv')
  for (const [key, value] of Object.entries(m.env)) args.push('--setenv', key, value)
  return args
}

/** Identity the sandbox runs as on the host. */
export interface RunAs {
  uid?: number
  gid?: number
}

/**
 * Runs `bwrap <base> -- /bin/true` once; resolves to undefined when it works, else the reason. The probe
 * uses the same uid as real runs, because unprivileged user namespaces may be off while root's work.
 */
export function probeBubblewrap(bwrapPath: string, runAs: RunAs): Promise<string | undefined> {
  return new Promise((resolve) => {
    let stderr = ''
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(bwrapPath, [...baseArgs(), '--', '/bin/true'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: '/usr/bin:/bin' },
        ...runAs,
      })
    } catch (err) {
      return resolve(err instanceof Error ? err.message : String(err))
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8')
    })
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve(err.message)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve(code === 0 ? undefined : `bwrap probe exited ${code ?? signal}: ${stderr.trim()}`)
    })
  })
}
