package io.baton.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The leader lease on realtime_status's 'baton-lease' row. Taking and renewing it is one
 * conditional UPDATE judged entirely by the database's clock, so hosts whose clocks disagree
 * never disagree about who leads. Each acquisition increments the epoch.
 */
public final class LeaseRepository {
  public static final String LEASE_ROW = "baton-lease";

  /**
   * The lease as this node sees it right after its attempt; {@code expiresIn} by the database's clock;
   * {@code othersAlive}: another node's heartbeat is younger than the ttl (a standby could take over);
   * {@code won}: this very attempt took or renewed it (a lease held under this node's name that the
   * attempt did not win is another process's: one that started under the name while this one was frozen).
   */
  public record Lease(String holder, String site, long epoch, Instant since, Duration expiresIn, boolean othersAlive,
      boolean won) {}

  // SET is evaluated left to right on MySQL/MariaDB: epoch and since read the old holder and
  // expiry, so they come before the columns they test are overwritten.
  private static final String TAKE_OR_RENEW =
      "UPDATE realtime_status SET"
          + " lease_epoch = CASE WHEN lease_holder = ? AND lease_epoch = ? AND lease_until > CURRENT_TIMESTAMP(3)"
          + "   THEN lease_epoch ELSE lease_epoch + 1 END,"
          + " lease_since = CASE WHEN lease_holder = ? AND lease_epoch = ? AND lease_until > CURRENT_TIMESTAMP(3)"
          + "   THEN lease_since ELSE CURRENT_TIMESTAMP(3) END,"
          + " lease_holder = ?, lease_site = ?,"
          + " lease_until = TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3))"
          + " WHERE name = '" + LEASE_ROW + "' AND ("
          // renew: still ours, same epoch, not expired
          + "   (lease_holder = ? AND lease_epoch = ? AND lease_until > CURRENT_TIMESTAMP(3))"
          // a node that just started takes the lease its name held at once, under a new epoch: names
          // are unique (StatusRepository.claim), so the process that held it is gone
          + "   OR (lease_holder = ? AND ? = 1)"
          // take: free or expired; a bkp node waits one more ttl after a main holder's expiry
          + "   OR lease_holder IS NULL"
          + "   OR lease_until <= TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3)))";

  private final DataSource dataSource;

  public LeaseRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Renews the lease if this node holds it under {@code epoch}, or takes it if it is free or
   * expired; returns the lease as it stands afterwards (held by someone else if neither worked).
   */
  public Lease takeOrRenew(String node, String site, long epoch, Duration ttl, boolean waitForMain) {
    return takeOrRenew(node, site, epoch, ttl, waitForMain, false);
  }

  /**
   * As above; {@code justStarted}: this process has not asked before, so a lease its name holds was
   * held by an earlier process of this node (names are unique), now gone: a main node takes it at
   * once, under a new epoch, instead of waiting out its own lease after a restart.
   */
  public Lease takeOrRenew(String node, String site, long epoch, Duration ttl, boolean waitForMain,
      boolean justStarted) {
    return Jdbc.autoCommit(dataSource, "taking the leader lease", c -> {
      boolean won;
      try (PreparedStatement ps = c.prepareStatement(TAKE_OR_RENEW)) {
        int i = 1;
        ps.setString(i++, node);
        ps.setLong(i++, epoch);
        ps.setString(i++, node);
        ps.setLong(i++, epoch);
        ps.setString(i++, node);
        ps.setString(i++, site);
        ps.setLong(i++, ttl.toNanos() / 1000);
        ps.setString(i++, node);
        ps.setLong(i++, epoch);
        ps.setString(i++, node);
        ps.setInt(i++, justStarted && !waitForMain ? 1 : 0);
        ps.setLong(i, waitForMain ? -ttl.toNanos() / 1000 : 0);
        won = ps.executeUpdate() > 0;
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT lease_holder, lease_site, lease_epoch, lease_since,"
          + " TIMESTAMPDIFF(MICROSECOND, CURRENT_TIMESTAMP(3), lease_until),"
          + " (SELECT COUNT(*) FROM realtime_status o WHERE o.name <> '" + LEASE_ROW + "' AND o.name <> ?"
          + "   AND o.index_last_ping_time > TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3)))"
          + " FROM realtime_status WHERE name = '" + LEASE_ROW + "'")) {
        ps.setString(1, node);
        ps.setLong(2, -ttl.toNanos() / 1000);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new java.sql.SQLException("the lease row '" + LEASE_ROW + "' is missing from realtime_status");
          }
          java.sql.Timestamp since = rs.getTimestamp(4);
          return new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), since == null ? null : since.toInstant(),
              Duration.ofNanos(rs.getLong(5) * 1000), rs.getLong(6) > 0, won);
        }
      }
    });
  }

  /** Lets the lease go at once (graceful stop), so a standby need not wait for it to expire. */
  public void release(String node, long epoch) {
    Jdbc.inTransaction(dataSource, "releasing the leader lease", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE realtime_status SET lease_until = CURRENT_TIMESTAMP(3)"
          + " WHERE name = '" + LEASE_ROW + "' AND lease_holder = ? AND lease_epoch = ?")) {
        ps.setString(1, node);
        ps.setLong(2, epoch);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** True when a node of site main other than {@code node} refreshed its row within {@code ttl}. */
  public boolean mainNodeAlive(String node, Duration ttl) {
    return Jdbc.autoCommit(dataSource, "looking for main nodes", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM realtime_status WHERE lease_site = 'main'"
          + " AND name <> ? AND name <> '" + LEASE_ROW + "'"
          + " AND index_last_ping_time > TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3))")) {
        ps.setString(1, node);
        ps.setLong(2, -ttl.toNanos() / 1000);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && rs.getLong(1) > 0;
        }
      }
    });
  }

  /** Shows on the node's own row its site and the epoch it leads under (null: standing by). */
  public void showRole(String node, String site, Long epoch) {
    Jdbc.autoCommit(dataSource, "showing the node's role", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE realtime_status SET lease_site = ?, lease_epoch = ? WHERE name = ?")) {
        ps.setString(1, site);
        Jdbc.setNullableLong(ps, 2, epoch);
        ps.setString(3, node);
        ps.executeUpdate();
      }
      return null;
    });
  }
}
