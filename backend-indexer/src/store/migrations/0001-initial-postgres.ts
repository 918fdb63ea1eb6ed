// The same tables as 0001-initial-sqlite.ts. Ids are bytea (byte order = hex order, as in SQLite); blocks,
// seq and ms timestamps are bigint (read back as numbers by the store's int8 parser). Text keys that appear
// in an ORDER BY are COLLATE "C" so both stores sort them bytewise and the contract suite holds for both.
// JSON columns are text: never queried inside, and returned exactly as stored.
export const POSTGRES_INITIAL = `
CREATE TABLE messages (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          bytea NOT NULL UNIQUE CHECK (octet_length(id) = 32),
  topic       text NOT NULL,
  type        text NOT NULL,
  block       bigint NOT NULL,
  signer      bytea NOT NULL,
  hotkey      text COLLATE "C",
  received_at bigint NOT NULL,
  envelope    bytea NOT NULL
);
CREATE INDEX messages_topic_seq ON messages (topic, seq);
CREATE INDEX messages_block ON messages (block, id);
CREATE INDEX messages_topic_block ON messages (topic, block, id);

CREATE TABLE hotkeys (
  hotkey       text COLLATE "C" PRIMARY KEY,
  last_block   bigint NOT NULL,
  last_seen_at bigint NOT NULL
);

CREATE TABLE competitions (
  message_id          bytea PRIMARY KEY,
  id                  text COLLATE "C" NOT NULL,
  name                text NOT NULL,
  block               bigint NOT NULL,
  points              double precision NOT NULL,
  start_block         bigint NOT NULL,
  end_block           bigint NOT NULL,
  cycle_length_blocks bigint NOT NULL,
  episodes_per_task   integer NOT NULL,
  max_steps           integer NOT NULL,
  strategy            text NOT NULL,
  params              text NOT NULL,
  tasks               text NOT NULL
);
CREATE INDEX competitions_current ON competitions (id, block, message_id);

CREATE TABLE jobs (
  job_id            bytea PRIMARY KEY,
  competition_id    text COLLATE "C" NOT NULL,
  miner_hotkey      text COLLATE "C" NOT NULL,
  miner_uid         integer NOT NULL,
  commitment        text NOT NULL,
  commitment_block  bigint NOT NULL,
  cycle             bigint NOT NULL,
  cycle_start_block bigint NOT NULL,
  block             bigint NOT NULL,
  announced_by      text COLLATE "C",
  message_id        bytea NOT NULL
);
CREATE INDEX jobs_block ON jobs (block, job_id);
CREATE INDEX jobs_competition ON jobs (competition_id, block, job_id);
CREATE INDEX jobs_miner ON jobs (miner_hotkey, block, job_id);
CREATE INDEX jobs_cycle ON jobs (cycle, block, job_id);

CREATE TABLE job_statuses (
  job_id         bytea NOT NULL,
  validator      text COLLATE "C" NOT NULL,
  state          text NOT NULL CHECK (state IN ('claimed', 'running', 'done', 'failed')),
  episodes_done  integer NOT NULL,
  episodes_total integer NOT NULL,
  detail         text NOT NULL,
  block          bigint NOT NULL,
  message_id     bytea NOT NULL,
  PRIMARY KEY (job_id, validator)
);
CREATE INDEX job_statuses_validator ON job_statuses (validator, state, job_id);

CREATE TABLE results (
  message_id        bytea PRIMARY KEY,
  job_id            bytea NOT NULL,
  validator         text COLLATE "C" NOT NULL,
  competition_id    text COLLATE "C" NOT NULL,
  miner_hotkey      text COLLATE "C" NOT NULL,
  block             bigint NOT NULL,
  started_at_block  bigint NOT NULL,
  finished_at_block bigint NOT NULL,
  episodes          integer NOT NULL,
  successes         integer NOT NULL,
  success_rate      double precision NOT NULL,
  wilson_low        double precision NOT NULL,
  wilson_high       double precision NOT NULL,
  mean_reward       double precision NOT NULL,
  per_env           text NOT NULL,
  evaluator_version text NOT NULL,
  simulator_version text NOT NULL,
  artifact_uris     text NOT NULL,
  trajectory_digest text NOT NULL
);
CREATE INDEX results_block ON results (block, message_id);
CREATE INDEX results_job ON results (job_id, validator);
CREATE INDEX results_competition ON results (competition_id, block, message_id);
CREATE INDEX results_miner ON results (miner_hotkey, block, message_id);
CREATE INDEX results_validator ON results (validator, block, message_id);

CREATE TABLE episodes (
  result_id        bytea NOT NULL,
  episode_index    integer NOT NULL,
  job_id           bytea NOT NULL,
  validator        text COLLATE "C" NOT NULL,
  miner_hotkey     text COLLATE "C" NOT NULL,
  competition_id   text COLLATE "C" NOT NULL,
  block            bigint NOT NULL,
  env_id           text COLLATE "C" NOT NULL,
  task_id          text NOT NULL,
  seed             text NOT NULL,
  success          boolean NOT NULL,
  total_reward     double precision NOT NULL,
  steps            integer NOT NULL,
  duration_ms      double precision NOT NULL,
  error            text,
  final_state_hash text NOT NULL,
  PRIMARY KEY (result_id, episode_index)
);
CREATE INDEX episodes_block ON episodes (block, result_id, episode_index);
CREATE INDEX episodes_job ON episodes (job_id);
CREATE INDEX episodes_miner ON episodes (miner_hotkey, block, result_id, episode_index);
CREATE INDEX episodes_validator ON episodes (validator, block, result_id, episode_index);

CREATE TABLE weights (
  message_id    bytea PRIMARY KEY,
  validator     text COLLATE "C" NOT NULL,
  block         bigint NOT NULL,
  uids          text NOT NULL,
  weights       text NOT NULL,
  inputs_digest text NOT NULL,
  version_key   text NOT NULL,
  strategy      text NOT NULL
);
CREATE INDEX weights_block ON weights (block, message_id);
CREATE INDEX weights_validator ON weights (validator, block, message_id);

CREATE TABLE peers (
  validator        text COLLATE "C" PRIMARY KEY,
  peer_id          text NOT NULL,
  multiaddrs       text NOT NULL,
  issued_at_block  bigint NOT NULL,
  expires_at_block bigint NOT NULL,
  capacity         integer NOT NULL,
  families         text NOT NULL,
  message_id       bytea NOT NULL
);

CREATE TABLE commitments (
  miner_hotkey text COLLATE "C" NOT NULL,
  block        bigint NOT NULL,
  uid          integer,
  text         text NOT NULL,
  seen_at      bigint NOT NULL,
  PRIMARY KEY (miner_hotkey, block)
);
CREATE INDEX commitments_block ON commitments (block, miner_hotkey);

CREATE TABLE kv (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);
`
