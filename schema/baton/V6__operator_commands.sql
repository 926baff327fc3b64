-- The operator's surface (SPEC 8).
--   chain_run.rerun_of: the run a RERUN continues (NULL for every other run).
--   baton_command: actions asked for through the API or the CLI (trigger, cancel, rerun, switch).
--     Any node accepts a command by inserting its row; the node that runs the chain carries it out,
--     journals it in the chain's events (so it is carried out once, across a change of leader),
--     then writes the outcome here, where the node that accepted it reads it back for the caller.
ALTER TABLE chain_run ADD COLUMN rerun_of BIGINT NULL;

CREATE TABLE baton_command (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  chain_id      BIGINT        NOT NULL,
  verb          VARCHAR(16)   NOT NULL,              -- TRIGGER, CANCEL, RERUN or SWITCH
  run_id        BIGINT        NULL,                  -- CANCEL, RERUN: the run it is about
  argument      VARCHAR(64)   NULL,                  -- SWITCH: ON or OFF; RERUN: WITH_DEPS or NULL
  requested_by  VARCHAR(300)  NOT NULL,              -- api@<remote address> or cli@<host>
  requested_at  DATETIME(6)   NOT NULL,
  state         VARCHAR(12)   NOT NULL,              -- PENDING, DONE or REFUSED
  outcome       VARCHAR(2000) NULL,                  -- what was done, or why it was refused
  result_run_id BIGINT        NULL,                  -- TRIGGER, RERUN: the run it started
  handled_by    VARCHAR(45)   NULL,                  -- the node that carried it out
  handled_at    DATETIME(6)   NULL,
  PRIMARY KEY (id),
  KEY baton_command_state_idx (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Where a node serves its HTTP API (http://host:port), so any node can fetch a log file from the
-- node whose host holds it.
ALTER TABLE realtime_status ADD COLUMN http_address VARCHAR(255) NULL;
