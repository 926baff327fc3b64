package io.baton.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The nodes of a database as their realtime_status rows and the lease row show them. */
public final class NodeRoster {
  /**
   * One node; {@code heartbeatAge} is measured by the database's clock, {@code leader} is true for
   * the holder of an unexpired lease, {@code httpAddress} is where it serves its API and
   * {@code clusterAddress} where it listens for the other nodes (null if unknown).
   */
  public record NodeRow(String name, String site, String host, Long pid, Instant lastHeartbeat,
      Duration heartbeatAge, boolean leader, Long epoch, String httpAddress, String clusterAddress) {}

  /** The lease: who holds it under which epoch, and whether it is still valid. */
  public record LeaseRow(String holder, String site, long epoch, boolean valid) {}

  private final DataSource dataSource;

  public NodeRoster(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<NodeRow> nodes() {
    LeaseRow lease = lease().orElse(new LeaseRow(null, null, 0, false));
    return Jdbc.autoCommit(dataSource, "reading the nodes", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, lease_site, node_host, pid_index,"
          + " index_last_ping_time, lease_epoch, http_address, cluster_address,"
          + " TIMESTAMPDIFF(MICROSECOND, index_last_ping_time, CURRENT_TIMESTAMP(3)) AS age_us"
          + " FROM realtime_status WHERE name <> 'baton-lease' ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        List<NodeRow> nodes = new ArrayList<>();
        while (rs.next()) {
          String name = rs.getString("name");
          long age = rs.getLong("age_us");
          Duration heartbeatAge = rs.wasNull() ? null : Duration.ofNanos(Math.max(0, age) * 1000);
          long pid = rs.getLong("pid_index");
          Long pidOrNull = rs.wasNull() ? null : pid;
          boolean leader = lease.valid() && name.equals(lease.holder());
          nodes.add(new NodeRow(name, rs.getString("lease_site"), rs.getString("node_host"), pidOrNull,
              Jdbc.getTimestamp(rs, "index_last_ping_time"), heartbeatAge, leader,
              leader ? Long.valueOf(lease.epoch()) : null, rs.getString("http_address"),
              rs.getString("cluster_address")));
        }
        return nodes;
      }
    });
  }

  public Optional<LeaseRow> lease() {
    return Jdbc.autoCommit(dataSource, "reading the lease", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT lease_holder, lease_site, lease_epoch,"
          + " CASE WHEN lease_until > CURRENT_TIMESTAMP(3) THEN 1 ELSE 0 END AS valid"
          + " FROM realtime_status WHERE name = 'baton-lease'");
          ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new LeaseRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4) == 1))
            : Optional.<LeaseRow>empty();
      }
    });
  }

  /** Records where this node serves its HTTP API. */
  public void advertise(String nodeName, String httpAddress) {
    record(nodeName, "http_address", httpAddress, "HTTP");
  }

  /** Records where this node listens for the other nodes of its cluster. */
  public void advertiseCluster(String nodeName, String clusterAddress) {
    record(nodeName, "cluster_address", clusterAddress, "cluster");
  }

  private void record(String nodeName, String column, String address, String what) {
    Jdbc.autoCommit(dataSource, "recording the " + what + " address of node " + nodeName, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE realtime_status SET " + column + " = ? WHERE name = ?")) {
        ps.setString(1, address);
        ps.setString(2, nodeName);
        return ps.executeUpdate();
      }
    });
  }

  /** The cluster addresses of the nodes whose heartbeat is younger than {@code within}, by the database's clock. */
  public List<String> liveClusterAddresses(Duration within) {
    return Jdbc.autoCommit(dataSource, "reading the cluster addresses of live nodes", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT cluster_address FROM realtime_status"
          + " WHERE name <> 'baton-lease' AND cluster_address IS NOT NULL"
          + " AND index_last_ping_time > TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3))"
          + " ORDER BY cluster_address")) {
        ps.setLong(1, -within.toNanos() / 1000);
        try (ResultSet rs = ps.executeQuery()) {
          List<String> addresses = new ArrayList<>();
          while (rs.next()) {
            addresses.add(rs.getString(1));
          }
          return addresses;
        }
      }
    });
  }
}
