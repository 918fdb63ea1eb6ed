// Ids (message, job, result) are 32-byte BLOBs: half the index size of hex text, and byte order equals hex
// order, so keyset cursors carry hex. JSON columns (params, tasks, per_env, …) are TEXT: never queried inside.
// Every secondary index ends with the list's sort key, so "filter + newest first + after cursor" is one
// index range scan with no sort. Tables keyed by their natural key (episodes, peers, kv, …) are
// WITHOUT ROWID: the rows are small and every index already carries that key.
export const SQLITE_INITIAL = `
CREATE TABLE messages (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          BLOB NOT NULL UNIQUE CHECK (length(id) = 32),
  topic       TEXT NOT NULL,
  type        TEXT NOT NULL,
  block       INTEGER NOT NULL,
  signer      BLOB NOT NULL,
  hotkey      TEXT,
  received_at INTEGER NOT NULL,
  envelope    BLOB NOT NULL
);
CREATE INDEX messages_topic_seq ON messages (topic, seq);
CREATE INDEX messages_block ON messages (block, id);
CREATE INDEX messages_topic_block ON messages (topic, block, id);

CREATE TABLE hotkeys (
  hotkey       TEXT PRIMARY KEY NOT NULL,
  last_block   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE competitions (
  message_id          BLOB PRIMARY KEY NOT NULL,
  id                  TEXT NOT NULL,
  name                TEXT NOT NULL,
  block               INTEGER NOT NULL,
  points              REAL NOT NULL,
  start_block         INTEGER NOT NULL,
  end_block           INTEGER NOT NULL,
  cycle_length_blocks INTEGER NOT NULL,
  episodes_per_task   INTEGER NOT NULL,
  max_steps           INTEGER NOT NULL,
  strategy            TEXT NOT NULL,
  params              TEXT NOT NULL,
  tasks               TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX competitions_current ON competitions (id, block, message_id);

CREATE TABLE jobs (
  job_id            BLOB PRIMARY KEY NOT NULL,
  competition_id    TEXT NOT NULL,
  miner_hotkey      TEXT NOT NULL,
  miner_uid         INTEGER NOT NULL,
  commitment        TEXT NOT NULL,
  commitment_block  INTEGER NOT NULL,
  cycle             INTEGER NOT NULL,
  cycle_start_block INTEGER NOT NULL,
  block             INTEGER NOT NULL,
  announced_by      TEXT,
  message_id        BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX jobs_block ON jobs (block, job_id);
CREATE INDEX jobs_competition ON jobs (competition_id, block, job_id);
CREATE INDEX jobs_miner ON jobs (miner_hotkey, block, job_id);
CREATE INDEX jobs_cycle ON jobs (cycle, block, job_id);

CREATE TABLE job_statuses (
  job_id         BLOB NOT NULL,
  validator      TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('claimed', 'running', 'done', 'failed')),
  episodes_done  INTEGER NOT NULL,
  episodes_total INTEGER NOT NULL,
  detail         TEXT NOT NULL,
  block          INTEGER NOT NULL,
  message_id     BLOB NOT NULL,
  PRIMARY KEY (job_id, validator)
) WITHOUT ROWID;
CREATE INDEX job_statuses_validator ON job_statuses (validator, state, job_id);

CREATE TABLE results (
  message_id        BLOB PRIMARY KEY NOT NULL,
  job_id            BLOB NOT NULL,
  validator         TEXT NOT NULL,
  competition_id    TEXT NOT NULL,
  miner_hotkey      TEXT NOT NULL,
  block             INTEGER NOT NULL,
  started_at_block  INTEGER NOT NULL,
  finished_at_block INTEGER NOT NULL,
  episodes          INTEGER NOT NULL,
  successes         INTEGER NOT NULL,
  success_rate      REAL NOT NULL,
  wilson_low        REAL NOT NULL,
  wilson_high       REAL NOT NULL,
  mean_reward       REAL NOT NULL,
  per_env           TEXT NOT NULL,
  evaluator_version TEXT NOT NULL,
  simulator_version TEXT NOT NULL,
  artifact_uris     TEXT NOT NULL,
  trajectory_digest TEXT NOT NULL
);
CREATE INDEX results_block ON results (block, message_id);
CREATE INDEX results_job ON results (job_id, validator);
CREATE INDEX results_competition ON results (competition_id, block, message_id);
CREATE INDEX results_miner ON results (miner_hotkey, block, message_id);
CREATE INDEX results_validator ON results (validator, block, message_id);

CREATE TABLE episodes (
  result_id        BLOB NOT NULL,
  episode_index    INTEGER NOT NULL,
  job_id           BLOB NOT NULL,
  validator        TEXT NOT NULL,
  miner_hotkey     TEXT NOT NULL,
  competition_id   TEXT NOT NULL,
  block            INTEGER NOT NULL,
  env_id           TEXT NOT NULL,
  task_id          TEXT NOT NULL,
  seed             TEXT NOT NULL,
  success          INTEGER NOT NULL CHECK (success IN (0, 1)),
  total_reward     REAL NOT NULL,
  steps            INTEGER NOT NULL,
  duration_ms      REAL NOT NULL,
  error            TEXT,
  final_state_hash TEXT NOT NULL,
  PRIMARY KEY (result_id, episode_index)
) WITHOUT ROWID;
CREATE INDEX episodes_block ON episodes (block, result_id, episode_index);
CREATE INDEX episodes_job ON episodes (job_id);
CREATE INDEX episodes_miner ON episodes (miner_hotkey, block, result_id, episode_index);
CREATE INDEX episodes_validator ON episodes (validator, block, result_id, episode_index);

CREATE TABLE weights (
  message_id    BLOB PRIMARY KEY NOT NULL,
  validator     TEXT NOT NULL,
  block         INTEGER NOT NULL,
  uids          TEXT NOT NULL,
  weights       TEXT NOT NULL,
  inputs_digest TEXT NOT NULL,
  version_key   TEXT NOT NULL,
  strategy      TEXT NOT NULL
);
CREATE INDEX weights_block ON weights (block, message_id);
CREATE INDEX weights_validator ON weights (validator, block, message_id);

CREATE TABLE peers (
  validator        TEXT PRIMARY KEY NOT NULL,
  peer_id          TEXT NOT NULL,
  multiaddrs       TEXT NOT NULL,
  issued_at_block  INTEGER NOT NULL,
  expires_at_block INTEGER NOT NULL,
  capacity         INTEGER NOT NULL,
  families         TEXT NOT NULL,
  message_id       BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE commitments (
  miner_hotkey TEXT NOT NULL,
  block        INTEGER NOT NULL,
  uid          INTEGER,
  text         TEXT NOT NULL,
  seen_at      INTEGER NOT NULL,
  PRIMARY KEY (miner_hotkey, block)
) WITHOUT ROWID;
CREATE INDEX commitments_block ON commitments (block, miner_hotkey);

CREATE TABLE kv (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
`
