-- Baton's own tables, beside the original ones (which are never altered).
-- Written in the SQL subset that MariaDB 10.6+/MySQL 8 and H2 2.x (MODE=MySQL) both accept.
-- Times are DATETIME(6) holding UTC: no session time zone is applied to DATETIME, so the
-- value read back is the value written, whatever the server's or the node's zone.
-- Index names are prefixed with their table: H2 wants them unique per schema.
-- No foreign keys: history outlives deleted chains, and retention prunes by end_time.

-- One row per run of a chain.
CREATE TABLE chain_run (
  run_id         BIGINT       NOT NULL,              -- unique across nodes and restarts
  chain_id       BIGINT       NOT NULL,              -- jobchain_table.id
  trigger_type   VARCHAR(16)  NOT NULL,              -- SCHEDULE, MANUAL or MISFIRE
  scheduled_time DATETIME(6)  NULL,                  -- the fire this run belongs to
  start_time     DATETIME(6)  NOT NULL,
  dep_pass_ts    DATETIME(6)  NULL,
  end_time       DATETIME(6)  NULL,
  status         VARCHAR(20)  NOT NULL,              -- RUNNING, SUCCESS, FAILED, ...
  node           VARCHAR(45)  NOT NULL,              -- realtime_status.name of the node
  epoch          BIGINT       NULL,                  -- leader epoch that wrote the row
  PRIMARY KEY (run_id),
  KEY chain_run_chain_sched_idx (chain_id, scheduled_time),
  KEY chain_run_end_idx (end_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per process started: a job execution or one check of a dependency.
CREATE TABLE job_run (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  run_id      BIGINT        NOT NULL,                -- chain_run.run_id
  chain_id    BIGINT        NOT NULL,
  kind        VARCHAR(3)    NOT NULL,                -- JOB or DEP
  ref_id      BIGINT        NOT NULL,                -- jobtable.id or deptable.id
  step_lvl    INT           NULL,                    -- NULL for DEP
  attempt     INT           NOT NULL,                -- JOB: execution number; DEP: check number
  start_time  DATETIME(6)   NOT NULL,
  end_time    DATETIME(6)   NULL,
  exit_code   INT           NULL,
  status      VARCHAR(20)   NOT NULL,
  pid         BIGINT        NULL,
  log_path    VARCHAR(1024) NULL,                    -- absolute path of the process's log file
  node        VARCHAR(45)   NOT NULL,
  epoch       BIGINT        NULL,
  PRIMARY KEY (id),
  UNIQUE KEY job_run_attempt_uq (run_id, kind, ref_id, attempt),
  KEY job_run_end_idx (end_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Small facts Baton keeps about the database itself, e.g. that the demo chains were offered once.
CREATE TABLE baton_meta (
  meta_key   VARCHAR(64)  NOT NULL,
  meta_value VARCHAR(255) NULL,
  updated_at DATETIME(6)  NULL,
  PRIMARY KEY (meta_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
