package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Statements a test sends to its database as an operator's SQL client would, each on a connection
 * of its own, and the rows read back as column label to value. A failure names the statement.
 */
public abstract class TestSql {
  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  /** What a result set is turned into. */
  public interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** A new connection to the test's database. */
  protected abstract Connection connect() throws SQLException;

  /** Statements through {@code dataSource}. */
  public static TestSql of(DataSource dataSource) {
    return new TestSql() {
      @Override
      protected Connection connect() throws SQLException {
        return dataSource.getConnection();
      }
    };
  }

  /** Runs an INSERT; the key it generated, or -1 when it generated none. */
  public long insert(String sql, Object... args) {
    return run(sql, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
        bind(ps, args);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          return keys.next() ? keys.getLong(1) : -1L;
        }
      }
    });
  }

  /** Runs any statement but a query; the count of rows it changed. */
  public int update(String sql, Object... args) {
    return run(sql, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    });
  }

  /** Runs one statement once per row of arguments, as a single batch. */
  public void batch(String sql, List<Object[]> rows) {
    run(sql, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (Object[] args : rows) {
          bind(ps, args);
          ps.addBatch();
        }
        return ps.executeBatch();
      }
    });
  }

  public <T> T query(String sql, Reader<T> reader, Object... args) {
    return run(sql, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          return reader.read(rs);
        }
      }
    });
  }

  public List<Map<String, Object>> rows(String sql, Object... args) {
    return query(sql, rs -> {
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    }, args);
  }

  /** The first column of the first row, or null when there is no row. */
  public Object one(String sql, Object... args) {
    return query(sql, rs -> rs.next() ? rs.getObject(1) : null, args);
  }

  private interface Work<T> {
    T on(Connection c) throws SQLException;
  }

  private <T> T run(String sql, Work<T> work) {
    try (Connection c = connect()) {
      return work.on(c);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof LocalDateTime t) {
        // as text: Connector/J, taking MariaDB for MySQL 5.5, would drop the fraction of a second
        ps.setString(i + 1, t.format(MICROS));
      } else {
        ps.setObject(i + 1, args[i]);
      }
    }
  }
}
