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
 * so a node that looks for a run's processes host-wide takes none of another database's nodes'
 * processes for the run's, whatever their run and job ids.
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
    return Jdbc.autoCommit(dataSource, "reading or recording the deployment id", c -> {
      String id = read(c);
      if (id != null) {
        return id;
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO baton_meta (meta_key, meta_value, updated_at) VALUES (?, ?, ?)")) {
        ps.setString(1, META_KEY);
        ps.setString(2, UUID.randomUUID().toString());
        Jdbc.setUtc(ps, 3, Instant.now());
        ps.executeUpdate();
      } catch (SQLException madeMeanwhile) {
        // by another node starting at the same moment, as a second read tells
        if (read(c) == null) {
          throw madeMeanwhile;
        }
      }
      String made = read(c);
      if (made == null) {
        throw new SQLException("baton_meta holds no deployment id right after it was recorded");
      }
      return made;
    });
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
