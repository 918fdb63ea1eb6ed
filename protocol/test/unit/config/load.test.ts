import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError, describeConfig, loadConfig } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'

const schema = z.strictObject({
  netuid: z.number().int().min(0).default(1),
  name: z.string().default('a'),
  mesh: z
    .strictObject({
      listen: z.array(z.string()).default(['/ip4/127.0.0.1/tcp/0']),
      maxPeers: z.number().int().positive().default(50),
      gossip: z.boolean().default(true),
      mode: z.enum(['full', 'observer']).default('full'),
    })
    .prefault({}),
})

const dirs: TempDir[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup()
})

function tomlFile(text: string): string {
  const tmp = makeTempDir('kinitro-config-')
  dirs.push(tmp)
  const file = tmp.file('kinitro.toml')
  writeFileSync(file, text)
  return file
}

function issuesOf(fn: () => unknown) {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return err as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('fills defaults when nothing is given', () => {
    const { config, origin } = loadConfig(schema, { env: {} })
    expect(config).toEqual({
      netuid: 1,
      name: 'a',
      mesh: { listen: ['/ip4/127.0.0.1/tcp/0'], maxPeers: 50, gossip: true, mode: 'full' },
    })
    expect(origin).toEqual({})
  })

  it('layers file < env < flags and records where each value came from', () => {
    const file = tomlFile('netuid = 3\nname = "file"\n[mesh]\nmaxPeers = 10\nmode = "observer"\n')
    const { config, origin } = loadConfig(schema, {
      file,
      env: { KINITRO_NAME: 'env', KINITRO_MESH_MAX_PEERS: '20', KINITRO_MESH_GOSSIP: 'false', OTHER: 'x' },
      flags: { meshMaxPeers: '30', 'mesh.listen': '/ip4/0.0.0.0/tcp/1,/ip4/0.0.0.0/tcp/2', netuid: undefined },
    })
    expect(config.netuid).toBe(3)
    expect(config.name).toBe('env')
    expect(config.mesh).toEqual({
      listen: ['/ip4/0.0.0.0/tcp/1', '/ip4/0.0.0.0/tcp/2'],
      maxPeers: 30,
      gossip: false,
      mode: 'observer',
    })
    expect(origin).toMatchObject({ netuid: 'file', name: 'env', 'mesh.maxPeers': 'flag', 'mesh.gossip': 'env' })
  })

  it('names the key, value, source and expectation of every bad setting', () => {
    const file = tomlFile('netuid = -4\n[mesh]\nmode = "loud"\nbogus = 1\n')
    const err = issuesOf(() => loadConfig(schema, { file, env: { KINITRO_MESH_MAX_PEERS: 'many' } }))
    expect(err.code).toBe('CONFIG_INVALID')
    const meta = err.meta
    if (meta.code !== 'CONFIG_INVALID') throw new Error('wrong meta')
    const byKey = Object.fromEntries(meta.issues.map((i) => [i.key, i]))
    expect(byKey['netuid']).toMatchObject({ value: -4, source: 'file' })
    expect(byKey['mesh.mode']).toMatchObject({ value: 'loud', expected: 'one of "full", "observer"' })
    expect(byKey['mesh.bogus']?.expected).toContain('no such setting')
    expect(byKey['mesh.maxPeers']).toMatchObject({ value: 'many', source: 'env' })
    expect(err.message).toContain('KINITRO_MESH_MAX_PEERS')
    expect(err.message).toContain(file)
  })

  it('reports unreadable and malformed files with their own codes', () => {
    expect(issuesOf(() => loadConfig(schema, { file: '/nonexistent/k.toml', env: {} })).code).toBe(
      'CONFIG_FILE_UNREADABLE',
    )
    expect(issuesOf(() => loadConfig(schema, { file: tomlFile('netuid = = 3'), env: {} })).code).toBe(
      'CONFIG_FILE_MALFORMED',
    )
  })

  it('derives env and flag names from the schema', () => {
    const keys = describeConfig(schema)
    expect(keys.map((k) => [k.path, k.env, k.flag])).toEqual([
      ['netuid', 'KINITRO_NETUID', '--netuid'],
      ['name', 'KINITRO_NAME', '--name'],
      ['mesh.listen', 'KINITRO_MESH_LISTEN', '--mesh-listen'],
      ['mesh.maxPeers', 'KINITRO_MESH_MAX_PEERS', '--mesh-max-peers'],
      ['mesh.gossip', 'KINITRO_MESH_GOSSIP', '--mesh-gossip'],
      ['mesh.mode', 'KINITRO_MESH_MODE', '--mesh-mode'],
    ])
  })
})
