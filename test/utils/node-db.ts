import { join } from 'node:path'
import Database from 'better-sqlite3'
import { decodeBody, decodeEnvelope, type MessageType, messageTypeFromCode } from '#protocol'

// Read-only views of a node's `node.sqlite` (schema: node/src/store/migrations). Safe while the node runs:
// WAL lets a reader see the last committed state without blocking the writer.

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** One row of the `messages` table (the append-only log). */
export interface LoggedMessage {
  /** Message id (SHA-256 of the envelope), hex. */
  id: string
  topic: string
  type: string
  block: number
  /** The validator the signer is bound to, when the node knew it. */
  hotkey: string | null
  envelope: Uint8Array
}

/** A stored result, with the job it answers. */
export interface LoggedResult {
  id: string
  jobId: string
  hotkey: string | null
  block: number
}

/** A stored job announcement (one per announcing validator; several may name one job). */
export interface LoggedJob {
  id: string
  jobId: string
  cycle: number
  cycleStartBlock: number
  competitionId: string
}

/** A row of the node's durable job queue. */
export interface QueueRow {
  jobId: string
  state: 'pending' | 'claimed' | 'done' | 'dead'
  attempts: number
}

/** What {@link readNodeDb} hands its callback. */
export interface NodeDb {
  messages(type?: MessageType): LoggedMessage[]
  /** Message ids in the log, optionally of one type. */
  messageIds(type?: MessageType): Set<string>
  hasMessage(id: string): boolean
  results(): LoggedResult[]
  jobs(): LoggedJob[]
  queue(): QueueRow[]
}

function bodyOf<T extends MessageType>(type: T, envelope: Uint8Array) {
  const env = decodeEnvelope(envelope)
  if (messageTypeFromCode(env.type) !== type) throw new Error(`stored ${type} has type code ${env.type}`)
  return decodeBody(type, env.body)
}

/**
 * Open `path` read-only, run `fn`, close. Each call sees the latest committed state.
 *
 * @example
 * ```ts
 * const ids = readNodeDb(join(dataDir, 'node.sqlite'), (db) => db.messageIds('result'))
 * ```
 */
export function readNodeDb<T>(path: string, fn: (db: NodeDb) => T): T {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true })
  sqlite.pragma('busy_timeout = 5000')
  try {
    const messages = (type?: MessageType): LoggedMessage[] => {
      const rows = (
        type === undefined
          ? sqlite.prepare('SELECT id, topic, type, block, hotkey, envelope FROM messages').all()
          : sqlite.prepare('SELECT id, topic, type, block, hotkey, envelope FROM messages WHERE type = ?').all(type)
      ) as { id: Buffer; topic: string; type: string; block: number; hotkey: string | null; envelope: Buffer }[]
      return rows.map((r) => ({ ...r, id: hex(r.id), envelope: new Uint8Array(r.envelope) }))
    }
    const db: NodeDb = {
      messages,
      messageIds: (type) => new Set(messages(type).map((m) => m.id)),
      hasMessage: (id) =>
        sqlite.prepare('SELECT 1 FROM messages WHERE id = ?').get(Buffer.from(id, 'hex')) !== undefined,
      results: () =>
        messages('result').map((m) => ({
          id: m.id,
          jobId: hex(bodyOf('result', m.envelope).jobId),
          hotkey: m.hotkey,
          block: m.block,
        })),
      jobs: () =>
        messages('job-announcement').map((m) => {
          const a = bodyOf('job-announcement', m.envelope)
          return {
            id: m.id,
            jobId: hex(a.jobId),
            cycle: Number(a.cycle),
            cycleStartBlock: a.cycleStartBlock,
            competitionId: a.competitionId,
          }
        }),
      queue: () => {
        // Stored states are 0 open, 2 done, 3 dead; an open row holding a lease is claimed (queue-sql.ts).
        const rows = sqlite.prepare('SELECT id, state, lease_until, attempts FROM jobs').all() as {
          id: string
          state: number
          lease_until: number | null
          attempts: number
        }[]
        const name = (r: (typeof rows)[number]): QueueRow['state'] =>
          r.state === 2 ? 'done' : r.state === 3 ? 'dead' : r.lease_until === null ? 'pending' : 'claimed'
        return rows.map((r) => ({ jobId: r.id, state: name(r), attempts: r.attempts }))
      },
    }
    return fn(db)
  } finally {
    sqlite.close()
  }
}

/** {@link readNodeDb} on a node data dir's `node.sqlite`. */
export function readNode<T>(node: { readonly dataDir: string }, fn: (db: NodeDb) => T): T {
  return readNodeDb(join(node.dataDir, 'node.sqlite'), fn)
}
