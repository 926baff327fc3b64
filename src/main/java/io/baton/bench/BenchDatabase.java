package io.baton.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A database of its own on the benchmark's MariaDB server, and the server's counters. */
final class BenchDatabase implements AutoCloseable {
  final String server; // jdbc:mysql://host:port/
  final String user;
  final String password;
  final String name;

  BenchDatabase(String server, String user, String password, String workload) throws SQLException {
    this.server = server.endsWith("/") ? server : server + "/";
    this.user = user;
    this.password = password;
    this.name = "baton_bench_" + workload.toLowerCase() + "_" + UUID.randomUUID().toString().substring(0, 8);
    admin("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
  }

  String url() {
    return server + name;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url() + "?rewriteBatchedStatements=true", user, password);
  }

  /** Questions, Com_commit and Handler_commit of the whole server (SHOW GLOBAL STATUS). */
  Map<String, Long> counters() throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(server, user, password);
        ResultSet rs = c.createStatement().executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN"
            + " ('Questions', 'Com_commit', 'Handler_commit')")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  String serverFacts() throws SQLException {
    try (Connection c = DriverManager.getConnection(server, user, password);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@innodb_buffer_pool_size")) {
      rs.next();
      return "MariaDB " + rs.getString(1) + ", innodb_flush_log_at_trx_commit=" + rs.getString(2)
          + ", innodb_buffer_pool_size=" + rs.getLong(3) / (1024 * 1024) + " MiB";
    }
  }

  long scalar(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Microseconds columns as numbers: (expression) per row. */
  List<double[]> rows(String sql, int columns) throws SQLException {
    List<double[]> out = new ArrayList<>();
    try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        double[] row = new double[columns];
        for (int i = 0; i < columns; i++) {
          row[i] = rs.getDouble(i + 1);
        }
        out.add(row);
      }
    }
    return out;
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(server, user, password); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    admin("DROP DATABASE IF EXISTS `" + name + "`");
  }
}
