import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { indexerConfigSchema } from '#indexer'
import { createHealthServer, type HealthServer, nodeConfigSchema } from '#node'
import { describeConfig, loadConfig } from '#protocol'
import { REPO_ROOT } from '../utils/spawn.js'
import { checkKinitroArgs } from './cli-args.js'
import { type Instruction, parseContainerfile, parseEnvInstruction } from './containerfile.js'
import { onPath } from './unit-file.js'

// There is no container engine on these machines, so the image is never built or run here. What is checked
// instead: everything the file takes from the repository exists and everything the build needs is taken;
// its commands are ones the real CLI accepts and its configs load; its ports, volume and user agree with
// those configs; its Debian packages exist in the release its base images use; and its HEALTHCHECK command,
// run as written, tells a healthy node from an unhealthy or absent one. packaging/README.md lists what
// remains unexercised.

const FILE = join(REPO_ROOT, 'packaging', 'container', 'Containerfile')
const steps = parseContainerfile(readFileSync(FILE, 'utf8'))
const run = promisify(execFile)

function only(keyword: string, stage = 'runtime'): Instruction {
  const found = steps.filter((s) => s.keyword === keyword && s.stage === stage)
  expect(found, `${keyword} in ${stage}`).toHaveLength(1)
  return found[0] as Instruction
}

/** COPY sources taken from the build context (not another stage), without the destination. */
function contextSources(stage: string): string[] {
  return steps
    .filter((s) => s.keyword === 'COPY' && s.stage === stage && s.flags.from === undefined)
    .flatMap((s) => s.text.split(/\s+/).slice(0, -1))
}

/** The runtime image's environment, as a process in it sees it. */
const imageEnv: Record<string, string> = Object.assign(
  {},
  ...steps.filter((s) => s.keyword === 'ENV').map((s) => parseEnvInstruction(s.text)),
)

/** `kinitro` argv the image runs by default: ENTRYPOINT after `kinitro`, then CMD. */
function defaultCommand(): string[] {
  const entry = only('ENTRYPOINT').exec ?? []
  return [...entry.slice(entry.indexOf('kinitro') + 1), ...(only('CMD').exec ?? [])]
}

describe('Containerfile', () => {
  it('has a build stage and a slim runtime stage on the same Node and Debian release', () => {
    const froms = steps.filter((s) => s.keyword === 'FROM').map((s) => s.text)
    // Both tags take the one NODE_VERSION argument (the `$` placeholder is Containerfile syntax).
    const image = (variant: string) => `docker.io/library/node:$\{NODE_VERSION}-${variant}`
    expect(froms).toEqual([`${image('bookworm')} AS build`, `${image('bookworm-slim')} AS runtime`])
    const nodeVersion = /^NODE_VERSION=(\d+)\.(\d+)$/.exec(only('ARG', '').text)
    expect(nodeVersion).not.toBeNull()
    // package.json engines: ^20.19.0 || ^22.12.0 || >=24.0.0.
    const [major, minor] = [Number(nodeVersion?.[1]), Number(nodeVersion?.[2])]
    expect((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24).toBe(true)
  })

  it('copies only files that exist, and everything the build and `npm run pack` read', () => {
    const sources = [...contextSources('build'), ...contextSources('runtime')]
    expect(sources.filter((s) => !existsSync(join(REPO_ROOT, s)))).toEqual([])
    const build = new Set(contextSources('build').map((s) => s.replace(/\/$/, '')))
    const tsconfig = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }
    const needed = [
      ...new Set(tsconfig.include.map((p) => p.split('/')[0] as string)),
      ...[
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.build.json',
        '.npmignore',
        'README.md',
        'LICENSE',
      ],
      ...['scripts', 'bin', 'compat'],
    ]
    expect(needed.filter((n) => !build.has(n))).toEqual([])
  })

  it('runs the node by default and names the indexer command it documents; the CLI accepts both', () => {
    const node = checkKinitroArgs(defaultCommand())
    expect(node).toMatchObject({ path: ['node', 'run'], problems: [] })
    expect(node.options['--config']).toBe('/etc/kinitro/node.toml')
    const documented = /kinitro-mesh (indexer run --config \S+)/.exec(readFileSync(FILE, 'utf8'))?.[1]
    const indexer = checkKinitroArgs((documented ?? '').split(' '))
    expect(indexer).toMatchObject({ path: ['indexer', 'run'], problems: [] })
    expect(indexer.options['--config']).toBe('/etc/kinitro/indexer.toml')
  })

  it('ships configs that load, with the image’s environment, to what its ports, volume and user expect', () => {
    const copied = steps.find((s) => s.keyword === 'COPY' && s.text.endsWith(' /etc/kinitro/'))
    const files = (copied?.text.split(/\s+/).slice(0, -1) ?? []).map((p) => join(REPO_ROOT, p))
    const byName = (name: string) => files.find((f) => f.endsWith(`/${name}`)) as string
    const node = loadConfig(nodeConfigSchema, { file: byName('node.toml'), env: imageEnv }).config
    const indexer = loadConfig(indexerConfigSchema, { file: byName('indexer.toml'), env: imageEnv }).config
    // Published ports must be reachable from outside the container.
    expect(node.health.host).toBe('0.0.0.0')
    expect(indexer.http.host).toBe('0.0.0.0')
    const meshPort = Number(/\/tcp\/(\d+)/.exec(node.mesh.listen[0] as string)?.[1])
    const exposed = only('EXPOSE')
      .text.split(/\s+/)
      .map(Number)
      .sort((a, b) => a - b)
    expect(exposed).toEqual([meshPort, node.health.port, indexer.http.port].sort((a, b) => a - b))
    const volume = (JSON.parse(only('VOLUME').text) as string[])[0] as string
    for (const dir of [node.dataDir, node.wallet.path, indexer.dataDir])
      expect(dir.startsWith(`${volume}/`), dir).toBe(true)
    // Every KINITRO_* variable the image sets is a real setting of one of the two programs.
    const known = new Set(
      [nodeConfigSchema, indexerConfigSchema].flatMap((s) => describeConfig(s as z.ZodType).map((k) => k.env)),
    )
    expect(Object.keys(imageEnv).filter((k) => k.startsWith('KINITRO_') && !known.has(k))).toEqual([])
  })

  it('runs as the unprivileged user it creates', () => {
    const user = only('USER').text
    const uid = /--uid (\d+)/.exec(
      steps.find((s) => s.keyword === 'RUN' && s.text.includes('useradd'))?.text ?? '',
    )?.[1]
    expect(user).toBe(`${uid}:${uid}`)
    expect(Number(uid)).toBeGreaterThan(0)
  })

  const bookworm = onPath('apt-cache') && /VERSION_CODENAME=bookworm/.test(readFileSync('/etc/os-release', 'utf8'))
  it.skipIf(!bookworm)('installs Debian packages that exist in bookworm (this host’s apt lists)', async () => {
    const install = steps.find(
      (s) => s.stage === 'runtime' && s.keyword === 'RUN' && s.text.includes('apt-get install'),
    )
    const packages = (/apt-get install (.*?)(?:&&|$)/.exec(install?.text ?? '')?.[1] ?? '')
      .split(/\s+/)
      .filter((w) => w !== '' && !w.startsWith('-'))
    expect(packages).toContain('bubblewrap')
    // One call for all: apt-cache prints a record per package it knows and skips the rest.
    const { stdout } = await run('apt-cache', ['show', '--no-all-versions', ...packages], { timeout: 30_000 }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
    )
    const found = new Set([...stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]))
    expect(packages.filter((p) => !found.has(p))).toEqual([])
  })

  describe('HEALTHCHECK, run as written against a real node health server', () => {
    let healthy = true
    let server: HealthServer
    const check = only('HEALTHCHECK').exec ?? []

    beforeAll(async () => {
      server = createHealthServer({
        port: 0,
        metricsRegister: new Registry(),
        status: () => ({ chainConnected: true, meshPeers: healthy ? 3 : 0, synced: true }),
      })
      await server.start()
    })
    afterAll(() => server?.stop())

    /** Exit code of the HEALTHCHECK command with the image's URL, pointed at `port`. */
    async function probe(port: number): Promise<number> {
      const url = new URL(imageEnv.HEALTHCHECK_URL as string)
      url.port = String(port)
      expect(check[0]).toBe('node')
      try {
        await run(process.execPath, check.slice(1), {
          env: { ...imageEnv, HEALTHCHECK_URL: url.href },
          timeout: 30_000,
        })
        return 0
      } catch (err) {
        return (err as { code?: number }).code ?? -1
      }
    }

    it('checks the node’s /health on its default port', () => {
      const url = new URL(imageEnv.HEALTHCHECK_URL as string)
      expect(url.pathname).toBe('/health')
      expect(Number(url.port)).toBe(nodeConfigSchema.parse({}).health.port)
    })

    it('passes while the node is healthy, fails on 503 and on a closed port', async () => {
      const port = Number(new URL(server.url as string).port)
      healthy = true
      expect(await probe(port)).toBe(0)
      healthy = false
      expect(await probe(port)).toBe(1)
      await server.stop()
      expect(await probe(port)).toBe(1)
    })
  })
})
