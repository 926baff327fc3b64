package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
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

  /** Who is starting: its name, host and pid, and how old a heartbeat may be for a node to count as alive. */
  public record Claim(String nodeName, String host, long pid, String logLevel, Duration ttl) {}

  /** The name is this node's: its row, its node number (run id bits) and the run id it must start above. */
  public record Registration(long rowId, int nodeNumber, long runIdFloor) {}

  /** Another node holds the name and is alive; the message is the operator's one line. */
  public static final class NameTakenException extends DatabaseException {
    public NameTakenException(String message) {
      super(message);
    }
  }

  static final int NODE_NUMBERS = 1024;

  /**
   * Claims the node's name at start-up and creates or refreshes its row. Refused when a node of that
   * name is alive: its heartbeat is younger than the ttl and it runs on another host, or on this host
   * with its pid still running (so a restart right after a crash is not refused). The 'baton-lease'
   * row is locked first, so two nodes claiming at once are served one after the other.
   */
  public Registration claim(Claim claim) {
    return Jdbc.inTransaction(dataSource, "registering node " + claim.nodeName(), c -> {
      try (PreparedStatement lock = c.prepareStatement(
          "SELECT lease_epoch FROM realtime_status WHERE name = '" + LeaseRepository.LEASE_ROW + "' FOR UPDATE");
          ResultSet rs = lock.executeQuery()) {
        rs.next();
      }
      Integer number = null;
      long floor = 0;
      boolean exists = false;
      try (PreparedStatement ps = c.prepareStatement("SELECT node_host, pid_index, node_number, last_run_id,"
          + " TIMESTAMPDIFF(MICROSECOND, index_last_ping_time, CURRENT_TIMESTAMP(3)) AS age"
          + " FROM realtime_status WHERE name = ? ORDER BY id")) {
        ps.setString(1, claim.nodeName());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            exists = true;
            refuseIfAlive(claim, rs.getString("node_host"), rs.getLong("pid_index"), rs.getLong("age"));
            int n = rs.getInt("node_number");
            number = number == null && !rs.wasNull() ? Integer.valueOf(n) : number;
            floor = Math.max(floor, rs.getLong("last_run_id"));
          }
        }
      }
      if (number == null) {
        number = freeNodeNumber(c, claim.nodeName());
        floor = Math.max(floor, lastRunIdOfNumber(c, number));
      }
      if (!exists) {
        insert(c, claim.nodeName(), claim.pid(), claim.logLevel());
      }
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE realtime_status SET pid_index = ?, debugmode = ?, node_host = ?, node_number = ?,"
              + " last_run_id = ?, index_last_ping_time = CURRENT_TIMESTAMP WHERE name = ?")) {
        up.setLong(1, claim.pid());
        up.setString(2, claim.logLevel());
        up.setString(3, claim.host());
        up.setInt(4, number);
        up.setLong(5, floor);
        up.setString(6, claim.nodeName());
        up.executeUpdate();
      }
      return new Registration(idOf(c, claim.nodeName()), number, floor);
    });
  }

  private static void refuseIfAlive(Claim claim, String host, long pid, long ageMicros) {
    if (ageMicros >= claim.ttl().toNanos() / 1000 || pid == claim.pid() && claim.host().equals(host)) {
      return; // its heartbeat is older than the ttl, or it is this very process
    }
    boolean here = host == null || host.equals(claim.host());
    if (here && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
      return; // it ran on this host and its process is gone (killed, crashed)
    }
    throw new NameTakenException("node '" + claim.nodeName() + "' is already running on host "
        + (host == null ? claim.host() : host) + " (pid " + pid + ", last heartbeat " + ageMicros / 100_000 / 10.0
        + " s ago); stop it, or give this node another baton.node-name");
  }

  /** The smallest number no other node has; else the one of the node silent the longest. */
  private static int freeNodeNumber(Connection c, String nodeName) throws SQLException {
    boolean[] used = new boolean[NODE_NUMBERS];
    Integer oldest = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT node_number FROM realtime_status"
        + " WHERE node_number IS NOT NULL AND name <> ? ORDER BY index_last_ping_time DESC")) {
      ps.setString(1, nodeName);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int n = rs.getInt(1);
          if (n >= 0 && n < NODE_NUMBERS) {
            used[n] = true;
            oldest = n;
          }
        }
      }
    }
    for (int n = 0; n < NODE_NUMBERS; n++) {
      if (!used[n]) {
        return n;
      }
    }
    return oldest;
  }

  /** The highest run id any node made under {@code number} (a number taken over from a silent node). */
  private static long lastRunIdOfNumber(Connection c, int number) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT MAX(last_run_id) FROM realtime_status WHERE node_number = ?")) {
      ps.setInt(1, number);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * One heartbeat: the node's identity (name, host, number; the pid is this JVM's), a run id at or
   * above every id it has made or will make before the next beat, and the original columns.
   */
  public record Beat(String nodeName, String host, int nodeNumber, long runIdsBelow, int armedChains,
      int runningProcesses, String logLevel, Instant lastJobOutcome) {}

  /**
   * Refreshes the node's row: timequeuesize = chains armed, replyqueuesize = processes running,
   * debugmode = log level, pid_index = this JVM, job_last_ping_time = last job outcome (kept
   * when null). A row deleted by an operator is created again; a row that another process has
   * claimed since (a node started under this name after this one stopped beating for longer than
   * the ttl) is left to it and {@link NameTakenException} says so.
   */
  public void heartbeat(Beat b) {
    long pid = ProcessHandle.current().pid();
    Jdbc.autoCommit(dataSource, "heartbeat of node " + b.nodeName(), c -> {
      if (refresh(c, b, pid) > 0) {
        return null;
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT node_host, pid_index FROM realtime_status WHERE name = ?")) {
        ps.setString(1, b.nodeName());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            throw new NameTakenException("node '" + b.nodeName() + "' was claimed by another process (host "
                + rs.getString(1) + ", pid " + rs.getLong(2) + ") while this one was silent");
          }
        }
      }
      insert(c, b.nodeName(), pid, b.logLevel());
      refresh(c, b, pid);
      return null;
    });
  }

  private static int refresh(Connection c, Beat b, long pid) throws SQLException {
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE realtime_status SET timequeuesize = ?, replyqueuesize = ?, debugmode = ?,"
            + " index_last_ping_time = CURRENT_TIMESTAMP, pid_index = ?, node_host = ?, node_number = ?,"
            + " last_run_id = GREATEST(COALESCE(last_run_id, 0), ?),"
            + " job_last_ping_time = COALESCE(?, job_last_ping_time)"
            + " WHERE name = ? AND (pid_index IS NULL OR pid_index = ? AND (node_host IS NULL OR node_host = ?))")) {
      up.setInt(1, b.armedChains());
      up.setInt(2, b.runningProcesses());
      up.setString(3, b.logLevel());
      up.setLong(4, pid);
      up.setString(5, b.host());
      up.setInt(6, b.nodeNumber());
      up.setLong(7, b.runIdsBelow());
      Jdbc.setTimestamp(up, 8, b.lastJobOutcome());
      up.setString(9, b.nodeName());
      up.setLong(10, pid);
      up.setString(11, b.host());
      return up.executeUpdate();
    }
  }

  private static long insert(Connection c, String nodeName, long pid, String logLevel)
      throws SQLException {
    OptionalLong id = Jdbc.insert(c, "INSERT INTO realtime_status (name, timequeuesize, replyqueuesize, debugmode,"
        + " index_last_ping_time, pid_index) VALUES (?, 0, 0, ?, CURRENT_TIMESTAMP, ?)", nodeName, logLevel, pid);
    return id.isPresent() ? id.getAsLong() : idOf(c, nodeName);
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
