-- Scale-out (SPEC 9): where a node listens for the other nodes of its cluster, on its own
-- realtime_status row (pekko://baton@host:port). A node starting up reads the rows with a recent
-- heartbeat to find the cluster it joins, so there is no list of seed nodes to keep.
ALTER TABLE realtime_status ADD COLUMN cluster_address VARCHAR(255) NULL;
