package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;

/**
 * schedulerMessage: errors and notices for operators. {@code msg} is VARCHAR(5000), so longer
 * texts keep their head (what failed, which chain, which exit code) and their tail (the last
 * lines of the process's output) around a marker.
 */
public final class MessageRepository {
  public static final int MAX_LENGTH = 5000;
  static final int HEAD = 1500;
  /** Replays are recent: looking back this many rows finds them without scanning the table. */
  private static final int REPLAY_WINDOW = 1000;

  private final DataSource dataSource;

  public MessageRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void message(Long runId, String msg) {
    Jdbc.inTransaction(dataSource, "writing a message", c -> {
      insert(c, runId, msg);
      return null;
    });
  }

  /** Between the head and the tail of a message that was too long. */
  static final String MARKER = "\n… (cut) …\n";

  /** {@code msg} itself if it fits, else head + marker + tail, at most 5000 characters. */
  public static String fit(String msg) {
    if (msg == null || msg.length() <= MAX_LENGTH) {
      return msg;
    }
    int headEnd = HEAD;
    if (Character.isLowSurrogate(msg.charAt(headEnd))) {
      headEnd--; // never split a surrogate pair: end the head before it
    }
    int tailStart = msg.length() - (MAX_LENGTH - headEnd - MARKER.length());
    if (Character.isLowSurrogate(msg.charAt(tailStart))) {
      tailStart++; // ... and start the tail after it
    }
    return msg.substring(0, headEnd) + MARKER + msg.substring(tailStart);
  }

  /**
   * Inserts unless the same message for the same run is among the latest rows (a replayed
   * write). Messages without a run (configuration errors) are always inserted. If the server
   * rejects the text (a table in a legacy character set meeting an emoji, say), it is written
   * again in plain ASCII rather than lost: a stuck message would block every later write.
   */
  static void insert(Connection c, Long runId, String msg) throws SQLException {
    String text = fit(msg);
    try {
      insertOnce(c, runId, text);
    } catch (SQLException e) {
      String ascii = text.replace("…", "...").replaceAll("[^\\t\\n\\r\\x20-\\x7E]", "?");
      if (ascii.equals(text)) {
        throw e;
      }
      insertOnce(c, runId, ascii);
    }
  }

  /** As {@link #insert}, unless chain_run shows the run ended: its messages were written before its end. */
  static void insertUnlessEnded(Connection c, long runId, String msg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM chain_run WHERE run_id = ? AND end_time IS NOT NULL")) {
      ps.setLong(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    insert(c, runId, msg);
  }

  private static void insertOnce(Connection c, Long runId, String text) throws SQLException {
    if (runId == null) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO schedulerMessage (run_id, msg) VALUES (?, ?)")) {
        ps.setNull(1, Types.BIGINT);
        ps.setString(2, text);
        ps.executeUpdate();
      }
      return;
    }
    long floor;
    try (PreparedStatement max = c.prepareStatement("SELECT MAX(id) FROM schedulerMessage");
        ResultSet rs = max.executeQuery()) {
      rs.next();
      floor = rs.getLong(1) - REPLAY_WINDOW;
    }
    Jdbc.update(c, "INSERT INTO schedulerMessage (run_id, msg) SELECT ?, ? FROM DUAL WHERE NOT EXISTS"
        + " (SELECT 1 FROM schedulerMessage m WHERE m.id > ? AND m.run_id = ? AND m.msg = ?)",
        runId, text, floor, runId, text);
  }
}
