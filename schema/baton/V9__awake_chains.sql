-- Idle chains cost nothing (SPEC 9): a chain's actor runs only while it has something to do, and
-- sleeps in its node's timer wheel otherwise. A shard's next node reads its chains' rows here and
-- nothing else: a chain awake (its actor ran: a run may be in progress, an outcome not yet written)
-- is woken at once, a sleeping one at its wake_at. A chain without a row has never run since.
--   chain_id    the chain (jobchain_table.id)
--   shard_no    its shard (chain_id mod the number of shards, 30)
--   wake_token  the actor that wrote the row last: a late write by an earlier actor leaves it alone
--   awake       1 while its actor runs (or ran when its node died)
--   wake_at     asleep: when it must be woken (UTC, shortly before its next fire); NULL: it has no
--               fire to wait for (switched OFF, held, of the other site)
--   fires_from  asleep: fires before this instant are not owed (it was switched ON or rescheduled
--               then), or NULL
CREATE TABLE baton_awake_chain (
  chain_id    BIGINT        NOT NULL,
  shard_no    INT           NOT NULL,
  wake_token  BIGINT        NOT NULL,
  awake       TINYINT       NOT NULL,
  wake_at     DATETIME(6)   NULL,
  fires_from  DATETIME(6)   NULL,
  PRIMARY KEY (chain_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX baton_awake_chain_shard ON baton_awake_chain (shard_no);

-- Chains that ran before this table existed are awake: the first start wakes them all once.
INSERT INTO baton_awake_chain (chain_id, shard_no, wake_token, awake, wake_at)
  SELECT id, MOD(MOD(id, 30) + 30, 30), 0, 1, NULL FROM jobchain_table;
