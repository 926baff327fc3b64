package io.baton.db;

import java.util.Locale;

/** The two SQL dialects Baton speaks: H2 in MySQL mode (embedded) and MySQL/MariaDB. */
public enum Dialect {
  H2,
  MYSQL;

  /**
   * The dialect of a JDBC url. Both {@code jdbc:mysql:} (Connector/J) and {@code jdbc:mariadb:}
   * (MariaDB driver) are MYSQL: the server understands the same SQL whichever driver talks to it.
   */
  public static Dialect of(String url) {
    String u = url == null ? "" : url.trim().toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
      return MYSQL;
    }
    throw new DatabaseException(
        "database url " + JdbcUrl.display(url)
            + " is not supported: use jdbc:mysql://, jdbc:mariadb:// or jdbc:h2:");
  }
}
