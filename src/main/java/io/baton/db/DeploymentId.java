package io.baton.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the nodes of one database have in common and no other Baton has: a random id kept in
 * baton_meta, made by the first node that asks. Job processes carry it ({@code BATON_DEPLOYMENT}),
 * so a node that looks for a run's processes host-wide never takes those of another database's
 * nodes on the same host for its own, whatever their run and job ids.
 */
public final class DeploymentId {
  static final String META_KEY = "deployment";

  private DeploymentId() {}

  /**
   * This database's id; made now if it has none yet. Two nodes starting at once get the same one:
   * the second one's insert fails (a duplicate key, or a conflict on a cluster of servers), and
   * it reads the first one's.
   */
  public static String of(DataSource dataSource) {
    String id = read(dataSource);
    if (id != null) {
      return id;
    }
    return Jdbc.autoCommit(dataSource, "recording the deployment id", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO baton_meta (meta_key, meta_value, updated_at) VALUES (?, ?, ?)")) {
        ps.setString(1, META_KEY);
        ps.setString(2, UUID.randomUUID().toString());
        Jdbc.setUtc(ps, 3, Instant.now());
        ps.executeUpdate();
      } catch (SQLException madeMeanwhile) {
        // by another node starting at the same moment, as a second read on this connection tells
        String theirs = read(c);
        if (theirs != null) {
          return theirs;
        }
        throw madeMeanwhile;
      }
      String made = read(c);
      if (made == null) {
        throw new SQLException("baton_meta holds no deployment id right after it was recorded");
      }
      return made;
    });
  }

  private static String read(DataSource dataSource) {
    return Jdbc.autoCommit(dataSource, "reading the deployment id", DeploymentId::read);
  }

  private static String read(java.sql.Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM baton_meta WHERE meta_key = ?")) {
      ps.setString(1, META_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
