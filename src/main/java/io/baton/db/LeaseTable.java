package io.baton.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Named leases in baton_lease, each taken and renewed by one conditional UPDATE judged by the
 * database's clock, as the leader lease on realtime_status is: owners whose clocks disagree never
 * disagree about who holds a lease. Every acquisition increments the lease's epoch.
 */
public final class LeaseTable {

  /**
   * A lease as it stands right after an attempt on it. {@code won}: the attempt took or renewed it;
   * {@code expiresIn}: by the database's clock (negative once expired); {@code holder} null: free.
   */
  public record Standing(String holder, long epoch, Duration expiresIn, boolean won) {}

  // SET is evaluated left to right on MySQL/MariaDB (against the old row on H2): epoch and since
  // read the old holder and expiry, so they come before the columns they test are overwritten.
  private static final String HELD_BY_ME =
      "lease_holder = ? AND lease_epoch = ? AND lease_until > CURRENT_TIMESTAMP(3)";
  private static final String TAKE_OR_RENEW =
      "UPDATE baton_lease SET"
          + " lease_epoch = CASE WHEN " + HELD_BY_ME + " THEN lease_epoch ELSE lease_epoch + 1 END,"
          + " lease_since = CASE WHEN " + HELD_BY_ME + " THEN lease_since ELSE CURRENT_TIMESTAMP(3) END,"
          + " lease_holder = ?,"
          + " lease_until = TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3))"
          + " WHERE lease_name = ? AND ((" + HELD_BY_ME + ") OR lease_holder = ?"
          + "   OR lease_holder IS NULL OR lease_until IS NULL OR lease_until <= CURRENT_TIMESTAMP(3))";
  private static final String FIRST_HOLDER =
      "INSERT INTO baton_lease (lease_name, lease_holder, lease_epoch, lease_since, lease_until)"
          + " VALUES (?, ?, 1, CURRENT_TIMESTAMP(3), TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3)))";
  private static final String STANDING =
      "SELECT lease_holder, lease_epoch, TIMESTAMPDIFF(MICROSECOND, CURRENT_TIMESTAMP(3), lease_until)"
          + " FROM baton_lease WHERE lease_name = ?";

  private final DataSource dataSource;

  public LeaseTable(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Renews lease {@code name} if {@code owner} holds it under {@code epoch}, or takes it (under the
   * next epoch) if it is free, expired, or held by the same owner under another epoch: an earlier
   * run of the same node, which is gone (a node's name is claimed by one live process at a time).
   * Pass epoch -1 to only take it.
   */
  public Standing takeOrRenew(String name, String owner, long epoch, Duration ttl) {
    long ttlMicros = ttl.toNanos() / 1000;
    return Jdbc.autoCommit(dataSource, "taking lease " + name, c -> {
      boolean won;
      try (PreparedStatement ps = c.prepareStatement(TAKE_OR_RENEW)) {
        int i = 1;
        for (int heldByMe = 0; heldByMe < 2; heldByMe++) {
          ps.setString(i++, owner);
          ps.setLong(i++, epoch);
        }
        ps.setString(i++, owner);
        ps.setLong(i++, ttlMicros);
        ps.setString(i++, name);
        ps.setString(i++, owner);
        ps.setLong(i++, epoch);
        ps.setString(i, owner);
        won = ps.executeUpdate() > 0;
      }
      Standing standing = standing(c, name, won);
      if (standing != null) {
        return standing;
      }
      // nobody asked for this lease before: the first to insert its row holds it
      try (PreparedStatement ps = c.prepareStatement(FIRST_HOLDER)) {
        ps.setString(1, name);
        ps.setString(2, owner);
        ps.setLong(3, ttlMicros);
        won = ps.executeUpdate() > 0;
      } catch (SQLIntegrityConstraintViolationException e) {
        won = false; // another owner made the row a moment ago
      } catch (SQLException e) {
        if (!"23000".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
          throw e;
        }
        won = false;
      }
      return standing(c, name, won);
    });
  }

  /**
   * Extends lease {@code name} by {@code ttl} from now if {@code owner} still holds it under
   * {@code epoch} and it has not expired; false if it does not (an expired lease is not taken back
   * here: another owner may have held it meanwhile, so its holder must acquire it anew).
   */
  public boolean renew(String name, String owner, long epoch, Duration ttl) {
    return Jdbc.autoCommit(dataSource, "renewing lease " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE baton_lease"
          + " SET lease_until = TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3))"
          + " WHERE lease_name = ? AND " + HELD_BY_ME)) {
        ps.setLong(1, ttl.toNanos() / 1000);
        ps.setString(2, name);
        ps.setString(3, owner);
        ps.setLong(4, epoch);
        return ps.executeUpdate() > 0;
      }
    });
  }

  /** A lease to renew: its name and the epoch its owner holds it under. */
  public record Held(String name, long epoch) {}

  /**
   * Renews every lease of {@code leases} that {@code owner} still holds under its epoch, in one
   * statement (a node renews all its shards' leases at once); true if all were renewed. If not,
   * {@link #renew} tells which.
   */
  public boolean renewAll(String owner, java.util.List<Held> leases, Duration ttl) {
    if (leases.size() == 1) {
      return renew(leases.get(0).name(), owner, leases.get(0).epoch(), ttl);
    }
    StringBuilder which = new StringBuilder();
    for (int i = 0; i < leases.size(); i++) {
      which.append(i == 0 ? "" : " OR ").append("(lease_name = ? AND lease_epoch = ?)");
    }
    return Jdbc.autoCommit(dataSource, "renewing " + leases.size() + " leases", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE baton_lease"
          + " SET lease_until = TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3))"
          + " WHERE lease_holder = ? AND lease_until > CURRENT_TIMESTAMP(3) AND (" + which + ")")) {
        // a row locked by hand must not hold every lease up for a whole term: the caller renews one by one
        ps.setQueryTimeout((int) Math.max(1, ttl.toSeconds() / 4));
        int i = 1;
        ps.setLong(i++, ttl.toNanos() / 1000);
        ps.setString(i++, owner);
        for (Held h : leases) {
          ps.setString(i++, h.name());
          ps.setLong(i++, h.epoch());
        }
        return ps.executeUpdate() == leases.size();
      }
    });
  }

  /** Lets the lease go at once, if {@code owner} still holds it under {@code epoch}. */
  public void release(String name, String owner, long epoch) {
    Jdbc.autoCommit(dataSource, "releasing lease " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE baton_lease SET lease_holder = NULL,"
          + " lease_until = CURRENT_TIMESTAMP(3) WHERE lease_name = ? AND lease_holder = ? AND lease_epoch = ?")) {
        ps.setString(1, name);
        ps.setString(2, owner);
        ps.setLong(3, epoch);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** The lease as it stands now; null if nobody ever asked for it. */
  public Standing read(String name) {
    return Jdbc.autoCommit(dataSource, "reading lease " + name, c -> standing(c, name, false));
  }

  private static Standing standing(java.sql.Connection c, String name, boolean won) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(STANDING)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long micros = rs.getLong(3);
        return new Standing(rs.getString(1), rs.getLong(2),
            rs.wasNull() ? Duration.ZERO : Duration.ofNanos(micros * 1000), won);
      }
    }
  }
}
