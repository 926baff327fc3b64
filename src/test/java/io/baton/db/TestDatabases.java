package io.baton.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fresh databases for tests. MariaDB ones live on the server given by the system property
 * {@code baton.it.mariadb} (host:port, default 127.0.0.1:3306), reached as root with an empty
 * password unless {@code baton.it.user} / {@code baton.it.password} say otherwise; each gets a
 * unique name {@code baton_it_<random>} and should be dropped by the test that created it.
 */
public final class TestDatabases {
  public static final String HOST = System.getProperty("baton.it.mariadb", "127.0.0.1:3306");
  public static final String USER = System.getProperty("baton.it.user", "root");
  public static final String PASSWORD = System.getProperty("baton.it.password", "");

  private TestDatabases() {}

  /** Creates an empty database; returns its Connector/J url {@code jdbc:mysql://host/name}. */
  public static String createMariaDb() {
    String name = "baton_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
    return "jdbc:mysql://" + HOST + "/" + name;
  }

  /** The same database through the MariaDB driver. */
  public static String mariadbDriverUrl(String url) {
    return url.replaceFirst("^jdbc:mysql:", "jdbc:mariadb:");
  }

  /** Drops the database a url names (any driver prefix, query string ignored). */
  public static void drop(String url) {
    admin("DROP DATABASE IF EXISTS `" + databaseName(url) + "`");
  }

  public static String databaseName(String url) {
    String path = url.substring(url.indexOf("//") + 2);
    path = path.substring(path.indexOf('/') + 1);
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /**
   * Creates the original tables the way an operator did: the original DDL verbatim, with only
   * the database name changed, sent as one multi-statement script (BEGIN, USE and COMMIT
   * included).
   */
  public static void createOriginalTables(String url) {
    String script = OriginalDdl.script().replace("schedulerDB", databaseName(url));
    try (Connection c = DriverManager.getConnection(
            "jdbc:mysql://" + HOST + "/?allowMultiQueries=true", USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute(script);
      while (st.getMoreResults() || st.getUpdateCount() != -1) {
        // drain every statement's result so that errors of later ones surface
      }
    } catch (SQLException e) {
      throw new IllegalStateException("original DDL failed: " + e.getMessage(), e);
    }
  }

  /** SHOW CREATE TABLE of every table of the database, by table name. */
  public static Map<String, String> showCreateTables(String url) {
    Map<String, String> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
        Statement st = c.createStatement()) {
      for (String table : tables(c)) {
        try (ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + table + "`")) {
          rs.next();
          out.put(table, rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  public static List<String> tables(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", null)) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }

  /** An H2 url like the embedded one, in a folder of the test's own. */
  public static String h2Url(Path dir) {
    return Database.embeddedUrl(dir);
  }

  /** Runs SQL as the admin user against the server (no database selected). */
  public static void admin(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:mysql://" + HOST + "/", USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

}
