import { existsSync, readFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { join } from 'node:path'
import type { BenchMachine } from './doc.js'

/** The libraries whose versions the figures depend on (transport, storage, physics, HTTP, crypto, queue baseline). */
export const KEY_LIBRARIES = [
  'libp2p',
  '@libp2p/gossipsub',
  '@chainsafe/libp2p-noise',
  '@chainsafe/libp2p-yamux',
  'better-sqlite3',
  'pg',
  'pg-boss',
  'mujoco-js',
  'fastify',
  'ws',
  '@polkadot/wasm-crypto',
] as const

// Read from the installed package.json files rather than imported: some packages' exports hide it.
function installedVersion(root: string, name: string): string | undefined {
  const file = join(root, 'node_modules', name, 'package.json')
  if (!existsSync(file)) return undefined
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version
}

function distribution(): string | undefined {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
  } catch {
    return undefined
  }
}

/** CPU, memory, OS and versions of the machine running the bench, for its JSON and the report. */
export function machineInfo(root = process.cwd()): BenchMachine {
  const cpu = cpus()
  const libs: Record<string, string> = {}
  for (const name of KEY_LIBRARIES) {
    const v = installedVersion(root, name)
    if (v !== undefined) libs[name] = v
  }
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `${type()} ${release()}`,
    os: distribution(),
    libs,
  }
}

/**
 * The checked-out commit, read from .git without running git (helpers and CI must not invoke it);
 * undefined outside a checkout. Uncommitted changes are not detected.
 */
export function gitCommit(root = process.cwd()): string | undefined {
  try {
    const gitDir = join(root, '.git')
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim()
    const ref = /^ref: (.+)$/.exec(head)?.[1]
    if (ref === undefined) return /^[0-9a-f]{40}$/.test(head) ? head : undefined
    const loose = join(gitDir, ref)
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim()
    const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8')
    return new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(packed)?.[1]
  } catch {
    return undefined
  }
}
