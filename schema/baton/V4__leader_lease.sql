-- The leader lease, kept through realtime_status (SPEC 5): Baton's own columns beside the
-- original ones, whose meaning does not change.
--   The row named 'baton-lease' is the lease: who holds it (lease_holder, lease_site), since
--   when (lease_since), until when by the database's clock (lease_until), and the epoch, which
--   grows by one at every acquisition.
--   On a node's own row, lease_site is the node's site and lease_epoch the epoch it leads under
--   (NULL while it stands by).
ALTER TABLE realtime_status ADD COLUMN lease_holder VARCHAR(45) NULL;
ALTER TABLE realtime_status ADD COLUMN lease_site VARCHAR(8) NULL;
ALTER TABLE realtime_status ADD COLUMN lease_epoch BIGINT NULL;
ALTER TABLE realtime_status ADD COLUMN lease_since TIMESTAMP(3) NULL;
ALTER TABLE realtime_status ADD COLUMN lease_until TIMESTAMP(3) NULL;

INSERT INTO realtime_status (name, timequeuesize, replyqueuesize, debugmode, lease_epoch)
VALUES ('baton-lease', 0, 0, 'lease', 0);
