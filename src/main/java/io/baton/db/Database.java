package io.baton.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.baton.config.BatonSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The node's connection pool, opened on a schema that {@link Migrations} has brought up to date.
 * Without a configured url it is an embedded H2 file under {@code <home>/data/} with demo chains.
 * {@link #url()}, {@link #user()} and {@link #password()} are the effective values, so the event
 * journal (Pekko Persistence JDBC) can be pointed at exactly the same database.
 */
public final class Database implements AutoCloseable {
  /** Login of the embedded database; the H2 file is created with it, so it must never change. */
  static final String EMBEDDED_USER = "sa";

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final String url;
  private final String user;
  private final String password;
  private final boolean embedded;

  private Database(HikariDataSource pool, Dialect dialect, String url, String user,
      String password, boolean embedded) {
    this.pool = pool;
    this.dialect = dialect;
    this.url = url;
    this.user = user;
    this.password = password;
    this.embedded = embedded;
  }

  /** Opens the configured main database, or the embedded one (plus demo chains) if none is. */
  public static Database open(BatonSettings settings) {
    if (settings.mainDb().configured()) {
      String url = settings.bkpDb().configured()
          ? FailoverUrl.combine(settings.mainDb().url(), settings.bkpDb().url())
          : settings.mainDb().url();
      return open(url, settings.mainDb().user(), settings.mainDb().password(), settings.dataDir());
    }
    Database db = open(embeddedUrl(settings.dataDir()), EMBEDDED_USER, "", settings.dataDir());
    try {
      DemoChains.installIfEmpty(db.dataSource());
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Opens {@code url}, runs the migrations, and fails with one clear line if either fails.
   * {@code dataDirForH2} is created first when the url is an H2 one (ignored otherwise).
   */
  public static Database open(String url, String user, String password, Path dataDirForH2) {
    try {
      return openUnmasked(url, user, password, dataDirForH2);
    } catch (DatabaseException e) {
      String safe = JdbcUrl.masked(e.getMessage(), url, password);
      throw safe.equals(e.getMessage()) ? e : new DatabaseException(safe);
    }
  }

  private static Database openUnmasked(String url, String user, String password, Path dataDirForH2) {
    Dialect dialect = Dialect.of(url);
    if (dialect == Dialect.H2 && dataDirForH2 != null) {
      createDataDir(dataDirForH2);
    }
    String effectiveUrl = JdbcUrl.isConnectorJ(url) ? JdbcUrl.withBatchRewrite(url.trim()) : url.trim();
    // Credentials written into the url win over the configured ones (which default to root and
    // an empty password), as they would for any other JDBC client given that url.
    String effectiveUser = JdbcUrl.parameter(url, "user").orElse(user == null ? "" : user);
    String effectivePassword = JdbcUrl.parameter(url, "password").orElse(password == null ? "" : password);
    // A plain driver connection first: its failure is reported as one line, whereas a failing
    // pool start logs a stack trace of its own before the cause can be explained.
    probe(effectiveUrl, effectiveUser, effectivePassword, dialect);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(poolConfig(effectiveUrl, effectiveUser, effectivePassword, dialect));
    } catch (RuntimeException e) {
      throw ConnectionFailures.describe(effectiveUrl, e);
    }
    try {
      Migrations.run(pool, dialect, effectiveUrl);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool, dialect, effectiveUrl, effectiveUser, effectivePassword,
        dialect == Dialect.H2);
  }

  /**
   * The embedded database file. DATABASE_TO_UPPER=FALSE keeps unquoted names as written (the
   * original tables mix cases: BKP_flag, schedulerMessage) while the journal plugin still finds
   * schema PUBLIC; DB_CLOSE_ON_EXIT=FALSE lets a stopping node write its last outcomes before
   * the pool is closed, instead of H2's shutdown hook closing the file under it.
   */
  public static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("baton")
        + ";MODE=MySQL;DATABASE_TO_UPPER=FALSE;DB_CLOSE_ON_EXIT=FALSE";
  }

  public DataSource dataSource() {
    return pool;
  }

  public boolean embedded() {
    return embedded;
  }

  public Dialect dialect() {
    return dialect;
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  /** Whether the database answers now (a pooled connection that passes its validity check). */
  public boolean reachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** host:port of the server a pooled connection reaches now (Connector/J only; else the url). */
  public String currentServer() {
    try (Connection c = pool.getConnection()) {
      if (c.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class)) {
        return c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getHostPortPair();
      }
      return url;
    } catch (SQLException e) {
      throw ConnectionFailures.describe(url, e);
    }
  }

  public String password() {
    return password;
  }

  @Override
  public void close() {
    pool.close();
  }

  /** The url as it may be shown: no credentials, no parameters (which can carry a password). */
  public String displayUrl() {
    return JdbcUrl.display(url);
  }

  @Override
  public String toString() {
    return "Database[" + JdbcUrl.display(url) + "]";
  }

  private static void createDataDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      throw new DatabaseException("data folder " + dir + " cannot be created: " + e, e);
    }
  }

  private static Properties driverProperties(String url, String user, String password,
      Dialect dialect) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    String lower = url.toLowerCase(Locale.ROOT);
    // Without a connect timeout a black-holed host hangs the start-up instead of failing it.
    if (dialect == Dialect.MYSQL && !lower.contains("connecttimeout=")) {
      p.setProperty("connectTimeout", "10000");
    }
    // Every session computes in UTC, whatever the server's zone: lease expiry, heartbeat ages and
    // "now" are then plain arithmetic, which a DST change in the server's zone cannot shorten or
    // lengthen. TIMESTAMP columns keep their instants (the driver and the session agree on UTC).
    if (dialect == Dialect.MYSQL && !lower.contains("connectiontimezone=") && !lower.contains("servertimezone=")) {
      p.setProperty("connectionTimeZone", "UTC");
      p.setProperty("forceConnectionTimeZoneToSession", "true");
    }
    // Connector/J parses a statement's text at every prepare unless told to keep what it parsed:
    // a node prepares the same few dozen statements over and over, several a second even idle.
    if (JdbcUrl.isConnectorJ(url)) {
      for (String[] kv : new String[][] {{"cachePrepStmts", "true"}, {"prepStmtCacheSize", "250"},
          {"prepStmtCacheSqlLimit", "4096"}}) {
        if (!lower.contains(kv[0].toLowerCase(Locale.ROOT) + "=")) { // the url's own choice stands
          p.setProperty(kv[0], kv[1]);
        }
      }
    }
    return p;
  }

  private static void probe(String url, String user, String password, Dialect dialect) {
    try (Connection c = DriverManager.getConnection(url,
        driverProperties(url, user, password, dialect))) {
      c.isValid(5);
    } catch (SQLException | RuntimeException e) {
      throw ConnectionFailures.describe(url, e);
    }
  }

  private static HikariConfig poolConfig(String url, String user, String password,
      Dialect dialect) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("baton-db");
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    if (url.contains(",")) {
      // failover: renew connections every minute, so they move back to the main server once it returns
      config.setMaxLifetime(60_000);
    }
    driverProperties(url, user, password, dialect).forEach((k, v) -> {
      if (!"user".equals(k) && !"password".equals(k)) {
        config.addDataSourceProperty((String) k, v);
      }
    });
    return config;
  }
}
