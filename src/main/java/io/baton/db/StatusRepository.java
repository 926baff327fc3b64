package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * A node's heartbeat row in realtime_status, keyed by {@code name} = node name. The original
 * table has no unique key on name, so rows are found by UPDATE ... WHERE name = ? and inserted
 * only when none matched. index_last_ping_time is set from the database clock, so nodes whose
 * clocks disagree still compare each other's heartbeats on one time line.
 */
public final class StatusRepository {
  private final DataSource dataSource;

  public StatusRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates or refreshes the node's row at start-up; returns the row's id. */
  public long register(String nodeName, long pid, String logLevel) {
    return Jdbc.inTransaction(dataSource, "registering node " + nodeName, c -> {
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE realtime_status SET pid_index = ?, debugmode = ?,"
              + " index_last_ping_time = CURRENT_TIMESTAMP WHERE name = ?")) {
        up.setLong(1, pid);
        up.setString(2, logLevel);
        up.setString(3, nodeName);
        if (up.executeUpdate() > 0) {
          return idOf(c, nodeName);
        }
      }
      return insert(c, nodeName, pid, logLevel);
    });
  }

  /**
   * Refreshes the node's row: timequeuesize = chains armed, replyqueuesize = processes running,
   * debugmode = log level, pid_index = this JVM, job_last_ping_time = last job outcome (kept
   * when null). A row deleted by an operator is created again.
   */
  public void heartbeat(String nodeName, int armedChains, int runningProcesses, String logLevel,
      Instant lastJobOutcome) {
    long pid = ProcessHandle.current().pid();
    Jdbc.autoCommit(dataSource, "heartbeat of node " + nodeName, c -> {
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE realtime_status SET timequeuesize = ?, replyqueuesize = ?, debugmode = ?,"
              + " index_last_ping_time = CURRENT_TIMESTAMP, pid_index = ?,"
              + " job_last_ping_time = COALESCE(?, job_last_ping_time) WHERE name = ?")) {
        up.setInt(1, armedChains);
        up.setInt(2, runningProcesses);
        up.setString(3, logLevel);
        up.setLong(4, pid);
        Jdbc.setTimestamp(up, 5, lastJobOutcome);
        up.setString(6, nodeName);
        if (up.executeUpdate() > 0) {
          return null;
        }
      }
      insert(c, nodeName, pid, logLevel);
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE realtime_status SET timequeuesize = ?, replyqueuesize = ?,"
              + " job_last_ping_time = ? WHERE name = ?")) {
        up.setInt(1, armedChains);
        up.setInt(2, runningProcesses);
        Jdbc.setTimestamp(up, 3, lastJobOutcome);
        up.setString(4, nodeName);
        up.executeUpdate();
      }
      return null;
    });
  }

  private static long insert(Connection c, String nodeName, long pid, String logLevel)
      throws SQLException {
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO realtime_status (name, timequeuesize, replyqueuesize, debugmode,"
            + " index_last_ping_time, pid_index) VALUES (?, 0, 0, ?, CURRENT_TIMESTAMP, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ins.setString(1, nodeName);
      ins.setString(2, logLevel);
      ins.setLong(3, pid);
      ins.executeUpdate();
      try (ResultSet keys = ins.getGeneratedKeys()) {
        if (keys.next()) {
          return keys.getLong(1);
        }
      }
    }
    return idOf(c, nodeName);
  }

  /** Several rows may carry the name (nothing in the original forbids it): the oldest wins. */
  private static long idOf(Connection c, String nodeName) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT MIN(id) FROM realtime_status WHERE name = ?")) {
      ps.setString(1, nodeName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
