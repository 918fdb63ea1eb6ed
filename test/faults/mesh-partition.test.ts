import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cycleOf, decodeBody, decodeEnvelope } from '#protocol'
import { jobsOfCycle, minus, resultIdsOf, resultSigners } from '../e2e/mesh-views.js'
import { createMeshNetwork, type MeshNetwork } from '../utils/mesh-network.js'
import { readNode } from '../utils/node-db.js'
import type { NodeProcess } from '../utils/node-process.js'
import { until } from '../utils/until.js'

// A network partition between two groups of `kinitro node run` processes, made with each node's ban list
// (`<dataDir>/denied-peers`, re-read every block; the connection gater then refuses and closes the other
// side's connections): network namespaces would need a veth pair per node and a route to the chain, and
// the gater cuts exactly the mesh links, nothing else. Each side must keep evaluating (taking over the
// other side's silent assignees), and after healing both must converge on one result set by catch-up.

const NODES = 4
const SIDE_A = [0, 1]
const SIDE_B = [2, 3]
const CYCLE_BLOCKS = 40
const MINERS = ['expert', 'random'] as const

let net: MeshNetwork

beforeAll(async () => {
  net = await createMeshNetwork({
    nodes: NODES,
    miners: MINERS,
    blockTimeMs: 300,
    cycleLengthBlocks: CYCLE_BLOCKS,
    // Two replicas of four validators: most jobs have an assignee on the far side, whose silence the near
    // side must take over within a cycle.
    config: { jobs: { replicas: 2, silenceBlocks: 10 }, weights: { intervalBlocks: 10 } },
  })
  await net.startAll()
}, 300_000)

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') process.stderr.write(`\n${net?.logs(25)}\n`)
})

afterAll(async () => {
  await net?.close()
}, 120_000)

const head = async (): Promise<number> => (await net.chain.head()).number
const peerIdOf = (i: number): string => net.prepared[i]!.nodeKey.peerId.toString()
const hotkeyOf = (i: number): string => net.subnet.validators[i]!.hotkey.ss58
const side = (idx: readonly number[]): NodeProcess[] => idx.map((i) => net.nodes[i]!)
/** The node's completed catch-up rounds, from its JSON log: when, and how many items each accepted. */
function catchUpRounds(logFile: string): { at: number; accepted: number }[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"catch-up done"'))
    .map((l) => JSON.parse(l) as { time: string; accepted: number })
    .map((r) => ({ at: Date.parse(r.time), accepted: r.accepted }))
}
const deny = (i: number, peers: readonly number[]): void =>
  writeFileSync(join(net.nodes[i]!.dataDir, 'denied-peers'), peers.map(peerIdOf).join('\n'))

describe('a partition between two groups of validator processes', () => {
  it('both sides keep evaluating; once healed they converge by catch-up on one result set and one weight vector', async () => {
    await until(
      'a full mesh',
      async () => (await Promise.all(net.nodes.map((n) => n.status()))).every((s) => s.peers >= NODES - 1),
      {
        timeoutMs: 120_000,
      },
    )

    for (const i of SIDE_A) deny(i, SIDE_B)
    for (const i of SIDE_B) deny(i, SIDE_A)
    await until(
      'each node connected to its own side only',
      async () => (await Promise.all(net.nodes.map((n) => n.status()))).every((s) => s.peers === 1),
      { timeoutMs: 60_000 },
    )
    const cutAt = await head()
    const manifest = decodeBody('competition-manifest', decodeEnvelope(net.subnet.manifest).body)
    // A cycle that starts after the cut: every job of it is derived, evaluated and gossiped within one side.
    const cycle = (cycleOf(await head(), manifest) as number) + 1
    const sideHolds = (idx: readonly number[]) => {
      const jobs = readNode(net.nodes[idx[0]!]!, (db) => jobsOfCycle(db, cycle))
      if (jobs.size < MINERS.length) return undefined
      const members = new Set(idx.map(hotkeyOf))
      const perNode = side(idx).map((n) => readNode(n, (db) => resultSigners(db, jobs)))
      // Every job has results from its own side on every node of it, and none from the far side.
      const ok = perNode.every((signers) =>
        [...signers.values()].every((s) => s.length > 0 && s.every((h) => members.has(h))),
      )
      return ok ? { jobs, signers: perNode[0]! } : undefined
    }
    const a = await until('side A to evaluate every job of the cycle by itself', () => sideHolds(SIDE_A), {
      timeoutMs: 240_000,
      intervalMs: 1000,
    })
    const b = await until('side B to evaluate every job of the cycle by itself', () => sideHolds(SIDE_B), {
      timeoutMs: 240_000,
      intervalMs: 1000,
    })
    expect([...a.jobs].sort(), 'both sides derived the same jobs').toEqual([...b.jobs].sort())
    const splitAt = await head()
    const resultsA = resultIdsOf(side(SIDE_A))
    const resultsB = resultIdsOf(side(SIDE_B))
    const onlyB = minus(resultsB, resultsA)
    expect(onlyB.length, 'results side A has not seen while cut off').toBeGreaterThan(0)
    expect(minus(resultsA, resultsB).length, 'results side B has not seen while cut off').toBeGreaterThan(0)

    // Heal. Gossip does not replay what was published during the cut: only catch-up can bring it.
    const healedAt = Date.now()
    for (let i = 0; i < NODES; i++) deny(i, [])
    await until(
      'the full mesh back',
      async () => (await Promise.all(net.nodes.map((n) => n.status()))).every((s) => s.peers >= NODES - 1),
      { timeoutMs: 120_000 },
    )
    const everything = new Set([...resultsA, ...resultsB])
    await until(
      'every node to hold every result made on either side',
      () =>
        net.nodes.every((n) => minus(everything, new Set(readNode(n, (db) => db.messageIds('result')))).length === 0),
      {
        timeoutMs: 240_000,
        intervalMs: 1000,
        explain: () =>
          net.nodes
            .map((n, i) => {
              const have = readNode(n, (db) => db.messageIds('result'))
              const rounds = readFileSync(n.logFile, 'utf8')
                .split('\n')
                .filter((l) => l.includes('"catch-up done"'))
                .slice(-6)
              return `validator-${i}: missing ${minus(everything, have).length}\n${rounds.join('\n')}`
            })
            .join('\n'),
      },
    )
    const convergedSec = (Date.now() - healedAt) / 1000
    // What each side lacked came by catch-up: a round after the heal accepted items on both sides.
    const accepted: Record<string, number> = {}
    for (const [name, idx] of [
      ['A', SIDE_A],
      ['B', SIDE_B],
    ] as const) {
      const rounds = side(idx).flatMap((n) => catchUpRounds(n.logFile).filter((r) => r.at >= healedAt))
      expect(
        rounds.some((r) => r.accepted > 0),
        `side ${name} accepted items by catch-up after the heal: ${JSON.stringify(rounds)}`,
      ).toBe(true)
      accepted[name] = rounds.reduce((n, r) => n + r.accepted, 0)
    }

    const figures = {
      cutBlocks: splitAt - cutAt,
      jobs: a.jobs.size,
      resultsOnlyOnA: minus(resultsA, resultsB).length,
      resultsOnlyOnB: onlyB.length,
      catchUpAcceptedAfterHeal: accepted,
      healToAllResultsSec: Number(convergedSec.toFixed(1)),
    }
    process.stderr.write(`partition figures: ${JSON.stringify(figures)}\n`)
    mkdirSync('test/artifacts', { recursive: true })
    writeFileSync('test/artifacts/reliability-partition.json', `${JSON.stringify(figures, null, 2)}\n`)

    // One result set and one weight vector again (weights from results up to a common point).
    await until(
      'every node to hold the same results and set the same weights',
      async () => {
        const sets = net.nodes.map((n) => [...readNode(n, (db) => db.messageIds('result'))].sort().join(','))
        if (new Set(sets).size !== 1) return undefined
        const st = await Promise.all(net.nodes.map((n) => n.status()))
        if (!st.every((s) => (s.weights?.lastSetBlock ?? 0) > splitAt)) return undefined
        return new Set(st.map((s) => JSON.stringify(s.weights?.lastWeights ?? null))).size === 1 ? st : undefined
      },
      {
        timeoutMs: 240_000,
        intervalMs: 1000,
        explain: async () => {
          const st = await Promise.all(net.nodes.map((n) => n.status()))
          return st
            .map(
              (s, i) =>
                `validator-${i}: results ${readNode(net.nodes[i]!, (db) => db.messageIds('result').size)}, weights ${JSON.stringify(s.weights)}`,
            )
            .join('\n')
        },
      },
    )
  }, 900_000)
})
