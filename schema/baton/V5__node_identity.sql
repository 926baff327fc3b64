-- Node identity (SPEC 7, "Node names are unique"): Baton's own columns on a node's
-- realtime_status row, beside the original ones, whose meaning does not change.
--   node_host    the host the node runs on; with pid_index it tells a live node from a dead one
--   node_number  0..1023, unique among nodes: the node bits of the run ids it makes
--   last_run_id  a run id at or above every one the node has made (refreshed each heartbeat),
--                so a restart never makes an id again, even with the clock set back
-- The original table has no unique key on name and gets none: a node claims its name in a
-- transaction that first locks the 'baton-lease' row, so claims are taken one at a time.
ALTER TABLE realtime_status ADD COLUMN node_host VARCHAR(255) NULL;
ALTER TABLE realtime_status ADD COLUMN node_number INT NULL;
ALTER TABLE realtime_status ADD COLUMN last_run_id BIGINT NULL;
