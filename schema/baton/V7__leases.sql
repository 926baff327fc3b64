-- Named leases for the cluster (SPEC 9): Pekko's shard and split-brain leases, kept in the
-- database the nodes already share, judged by the database's clock like the leader lease on
-- realtime_status. One row per lease name, made by the first node that asks for it.
--   lease_holder  the owner that holds it (a node's cluster address), NULL once released
--   lease_epoch   grows by one at every acquisition: writes made under a lease carry it
--   lease_since   when the holder acquired it
--   lease_until   when it expires unless renewed, by the database's clock
-- It is a table of its own, not rows of realtime_status, so realtime_status stays a list of
-- nodes for the operator (and for the original scheduler's tools).
CREATE TABLE baton_lease (
  lease_name    VARCHAR(190)  NOT NULL,
  lease_holder  VARCHAR(255)  NULL,
  lease_epoch   BIGINT        NOT NULL DEFAULT 0,
  lease_since   TIMESTAMP(3)  NULL,
  lease_until   TIMESTAMP(3)  NULL,
  PRIMARY KEY (lease_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
