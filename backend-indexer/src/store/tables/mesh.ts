import type { TopicName } from '#protocol'
import { asBuffer, hexBytes } from '../sql.js'
import type { CompetitionRow, IndexedMessage, PeerRow, StoredMessageRow } from '../types.js'
import { columnList, type DbRow, hex, json, num, parse, str, type TableSpec } from './spec.js'

// The message log and the per-message projections that are not about jobs: competitions and peers.
export const MESSAGES: TableSpec<IndexedMessage> = {
  table: 'messages',
  columns: [
    ['id', 'bytea'],
    ['topic', 'text'],
    ['type', 'text'],
    ['block', 'int8'],
    ['signer', 'bytea'],
    ['hotkey', 'text'],
    ['received_at', 'int8'],
    ['envelope', 'bytea'],
  ],
  values: (m) => [
    hexBytes(m.id),
    m.topic,
    m.type,
    m.block,
    hexBytes(m.signer),
    m.hotkey,
    m.receivedAt,
    asBuffer(m.envelope),
  ],
}
export const MESSAGE_SELECT = `seq, ${columnList(MESSAGES)}`
export function toMessage(r: DbRow): StoredMessageRow {
  return {
    seq: num(r.seq),
    id: hex(r.id),
    topic: r.topic as TopicName,
    type: str(r.type),
    block: num(r.block),
    signer: hex(r.signer),
    hotkey: r.hotkey as string | null,
    receivedAt: num(r.received_at),
    envelope: r.envelope as Buffer,
  }
}

export const COMPETITIONS: TableSpec<CompetitionRow> = {
  table: 'competitions',
  columns: [
    ['message_id', 'bytea'],
    ['id', 'text'],
    ['name', 'text'],
    ['block', 'int8'],
    ['points', 'float8'],
    ['start_block', 'int8'],
    ['end_block', 'int8'],
    ['cycle_length_blocks', 'int8'],
    ['episodes_per_task', 'int4'],
    ['max_steps', 'int4'],
    ['strategy', 'text'],
    ['params', 'text'],
    ['tasks', 'text'],
  ],
  values: (c) => [
    hexBytes(c.messageId),
    c.id,
    c.name,
    c.block,
    c.points,
    c.startBlock,
    c.endBlock,
    c.cycleLengthBlocks,
    c.episodesPerTask,
    c.maxSteps,
    c.strategy,
    json(c.params),
    json(c.tasks),
  ],
}
export function toCompetition(r: DbRow): CompetitionRow {
  return {
    id: str(r.id),
    name: str(r.name),
    block: num(r.block),
    messageId: hex(r.message_id),
    points: num(r.points),
    startBlock: num(r.start_block),
    endBlock: num(r.end_block),
    cycleLengthBlocks: num(r.cycle_length_blocks),
    episodesPerTask: num(r.episodes_per_task),
    maxSteps: num(r.max_steps),
    strategy: str(r.strategy),
    params: parse(r.params),
    tasks: parse(r.tasks),
  }
}

export const PEERS: TableSpec<PeerRow> = {
  table: 'peers',
  columns: [
    ['validator', 'text'],
    ['peer_id', 'text'],
    ['multiaddrs', 'text'],
    ['issued_at_block', 'int8'],
    ['expires_at_block', 'int8'],
    ['capacity', 'int4'],
    ['families', 'text'],
    ['message_id', 'bytea'],
  ],
  values: (p) => [
    p.validator,
    p.peerId,
    json(p.multiaddrs),
    p.issuedAtBlock,
    p.expiresAtBlock,
    p.capacity,
    json(p.families),
    hexBytes(p.messageId),
  ],
}
export function toPeer(r: DbRow): PeerRow {
  return {
    validator: str(r.validator),
    peerId: str(r.peer_id),
    multiaddrs: parse(r.multiaddrs),
    issuedAtBlock: num(r.issued_at_block),
    expiresAtBlock: num(r.expires_at_block),
    capacity: num(r.capacity),
    families: parse(r.families),
    messageId: hex(r.message_id),
  }
}
