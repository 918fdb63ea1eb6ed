import type { Migration } from './types.js'

// Job states are small integers so the claim index stays compact: 0 pending, 1 claimed, 2 done, 3 dead.
// A claimed row's `run_at` is its lease expiry, so one partial index on (queue, run_at, seq, state) WHERE state < 2
// serves both "ready to run" and "lease expired" and the claim is a single covering-index search
// (perf.md §1). `seq` is spelled out so the index yields ORDER BY run_at, seq without a sort, and `state`
// is there only to make the search covering: SQLite treats an equality term of a partial index's WHERE as
// known, but not a range like state < 2 (checked with EXPLAIN QUERY PLAN, SQLite 3.53).
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
  state      INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2, 3)),
  attempts   INTEGER NOT NULL DEFAULT 0,
  run_at     INTEGER NOT NULL,
  worker     TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (queue, id)
);
CREATE INDEX jobs_due ON jobs (queue, run_at, seq, state) WHERE state < 2;
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
