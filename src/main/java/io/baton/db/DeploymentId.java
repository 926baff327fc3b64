package io.baton.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLIntegrityConstraintViolationException;
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

  /** This database's id; made now if it has none yet (two nodes starting at once get the same one). */
  public static String of(DataSource dataSource) {
    String id = read(dataSource);
    if (id != null) {
      return id;
    }
    Jdbc.autoCommit(dataSource, "recording the deployment id", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO baton_meta (meta_key, meta_value, updated_at) VALUES (?, ?, ?)")) {
        ps.setString(1, META_KEY);
        ps.setString(2, UUID.randomUUID().toString());
        Jdbc.setUtc(ps, 3, Instant.now());
        return ps.executeUpdate();
      } catch (SQLIntegrityConstraintViolationException madeMeanwhile) {
        return 0; // by another node starting at the same moment: its id is read below
      }
    });
    return read(dataSource);
  }

  private static String read(DataSource dataSource) {
    return Jdbc.autoCommit(dataSource, "reading the deployment id", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM baton_meta WHERE meta_key = ?")) {
        ps.setString(1, META_KEY);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
  }
}
