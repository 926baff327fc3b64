package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;

/** Short transactions, plain statements and the two time conventions shared by the repositories. */
final class Jdbc {
  /** A deadlock victim is rolled back whole, so running the transaction again is safe. */
  private static final int ATTEMPTS = 3;

  private Jdbc() {}

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction; SQL errors become {@link DatabaseException}. */
  static <T> T inTransaction(DataSource ds, String what, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c, e);
          throw e;
        } finally {
          c.setAutoCommit(autoCommit);
        }
      } catch (SQLException e) {
        if (attempt < ATTEMPTS && retryable(e)) {
          continue;
        }
        throw new DatabaseException(what + " failed: " + ConnectionFailures.firstLine(e), e);
      }
    }
  }

  /**
   * Runs {@code work} without a transaction of its own: for the polls a node makes every few
   * seconds (one statement, or reads that need no common snapshot), so an idle node does not
   * pay the autocommit switch and COMMIT round trips of {@link #inTransaction} each time.
   */
  static <T> T autoCommit(DataSource ds, String what, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new DatabaseException(what + " failed: " + ConnectionFailures.firstLine(e), e);
    }
  }

  /**
   * Runs an INSERT, UPDATE or DELETE with {@code values} bound in order (strings and numbers, never
   * null: a null needs its column's type, and instants their column's convention); the rows it changed.
   */
  static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, values);
      return ps.executeUpdate();
    }
  }

  /** As {@link #update}, for an INSERT into a table with an AUTO_INCREMENT id: that id, if the driver tells it. */
  static OptionalLong insert(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(ps, values);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        return keys.next() ? OptionalLong.of(keys.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private static void bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      ps.setObject(i + 1, Objects.requireNonNull(values[i], "a bound value"));
    }
  }

  /** Deadlock (MySQL 1213, SQLState 40001) or H2's equivalents. */
  private static boolean retryable(SQLException e) {
    return "40001".equals(e.getSQLState()) || e.getErrorCode() == 1213;
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  /** 2026-06-15 10:30:00.123456: a DATETIME(6) literal every server and driver here parses. */
  private static final DateTimeFormatter DATETIME_6 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  /**
   * Baton's DATETIME(6) columns hold UTC wall time: no zone conversion on either side. The value
   * is bound as text because Connector/J takes MariaDB's "5.5.5-10.x" version for MySQL 5.5,
   * which predates fractional seconds, and silently drops them from LocalDateTime/Timestamp
   * parameters; reading them back is unaffected.
   */
  static void setUtc(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.TIMESTAMP);
    } else {
      ps.setString(index, DATETIME_6.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)));
    }
  }

  static Instant getUtc(ResultSet rs, String column) throws SQLException {
    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }

  /**
   * The original TIMESTAMP columns: the driver converts through the session zone both ways,
   * so getTimestamp(..).toInstant() gives back the instant that was written.
   */
  static void setTimestamp(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.TIMESTAMP);
    } else {
      ps.setTimestamp(index, Timestamp.from(t));
    }
  }

  static Instant getTimestamp(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  static void setNullableInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }
}
