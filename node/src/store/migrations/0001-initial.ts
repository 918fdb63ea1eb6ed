import type { Migration } from './types.js'

// Job states are small integers: 0 open, 2 done, 3 dead. An open job is claimed while `lease_until` is set
// (the lease expiry) and pending otherwise; "claimed" (1) is derived on read, never stored. The partial index
// jobs_due (queue, run_at, seq) WHERE state = 0 keeps a claimed row where it was, so a claim (or heartbeat)
// writes only the table page: SQLite rewrites an index entry whenever an UPDATE's SET names a column of the
// index or of its WHERE, and the claim names neither. Under synchronous=FULL every commit pays for each page
// it writes (perf.md §1); moving the entry to the lease expiry cost two index pages on claim and one on ack.
// The claim searches jobs_due in (run_at, seq) order with no sort and skips rows whose lease has not expired
// (bounded by the jobs in flight); `seq` is spelled out so the index yields ORDER BY run_at, seq.
const SQL = `
CREATE TABLE messages (
  id          BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 32),
  topic       TEXT NOT NULL,
  type        TEXT NOT NULL,
  block       INTEGER NOT NULL,
  signer      BLOB NOT NULL,
  hotkey      TEXT,
  received_at INTEGER NOT NULL,
  envelope    BLOB NOT NULL
);
CREATE INDEX messages_by_block ON messages (block, id);
CREATE INDEX messages_by_topic_block ON messages (topic, block, id);

CREATE TABLE jobs (
  seq        INTEGER PRIMARY KEY,
  queue      TEXT NOT NULL,
  id         TEXT NOT NULL,
  payload    BLOB NOT NULL,
  state      INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 2, 3)),
  attempts   INTEGER NOT NULL DEFAULT 0,
  run_at     INTEGER NOT NULL,
  lease_until INTEGER CHECK (lease_until IS NULL OR state = 0),
  worker     TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (queue, id)
);
CREATE INDEX jobs_due ON jobs (queue, run_at, seq) WHERE state = 0;
CREATE INDEX jobs_dead ON jobs (queue) WHERE state = 3;

CREATE TABLE outbox (
  seq         INTEGER PRIMARY KEY,
  id          BLOB NOT NULL UNIQUE,
  topic       TEXT NOT NULL,
  envelope    BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  not_before  INTEGER NOT NULL,
  sent_at     INTEGER
);
CREATE INDEX outbox_pending ON outbox (not_before) WHERE sent_at IS NULL;
`

/** Message log, job queue and outbox tables. */
export const initialSchema: Migration = { id: 1, name: 'initial', up: SQL }
