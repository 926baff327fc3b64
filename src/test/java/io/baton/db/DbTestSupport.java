package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Small JDBC conveniences for tests: plain statements, one value, chain rows. */
final class DbTestSupport {
  private DbTestSupport() {}

  static void exec(DataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static Object one(DataSource ds, String sql, Object... args) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** An original TIMESTAMP column, read the way the repositories read it. */
  static java.time.Instant timestamp(DataSource ds, String sql, Object... args) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        java.sql.Timestamp t = rs.getTimestamp(1);
        return t == null ? null : t.toInstant();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static long count(DataSource ds, String sql, Object... args) {
    return ((Number) one(ds, sql, args)).longValue();
  }

  static long insertChain(DataSource ds, String desc, int steps, String timestr, double depOt,
      String sw, int main, int bkp) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO jobchain_table (job_desc, total_stpes, timestr, dep_ot, `switch`, main_flag,"
            + " BKP_flag) VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, desc);
      ps.setInt(2, steps);
      ps.setString(3, timestr);
      ps.setDouble(4, depOt);
      ps.setString(5, sw);
      ps.setInt(6, main);
      ps.setInt(7, bkp);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long insertJob(DataSource ds, long chainId, String command, int step, String ottime) {
    return insert(ds, "INSERT INTO jobtable (env, job_chain_id, job_desc, command, step_lvl,"
        + " ottime) VALUES ('/bin/sh', ?, 'job', ?, ?, ?)", chainId, command, step, ottime);
  }

  static long insertDep(DataSource ds, long chainId, String command, int ottime) {
    return insert(ds, "INSERT INTO deptable (jobchainid, env, command, `desc`, ottime)"
        + " VALUES (?, NULL, ?, 'dep', ?)", chainId, command, ottime);
  }

  private static long insert(DataSource ds, String sql, Object... args) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
