package io.baton.db;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository contract, run by a subclass per kind of database: each test gets a fresh database,
 * migrated as a node's start migrates it, and a MariaDB one is dropped after.
 */
abstract class FreshDatabase {
  /** The kinds of database a contract runs on. */
  enum Kind {
    /** MariaDB through Connector/J (jdbc:mysql://). */
    MARIADB,
    /** MariaDB through the MariaDB driver (jdbc:mariadb://). */
    MARIADB_DRIVER,
    /** An embedded H2 file database, as a node without a configured url uses. */
    H2
  }

  private final Kind kind;
  @TempDir Path dir;
  protected Database db;
  protected DataSource ds;

  FreshDatabase(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void openFreshDatabase() {
    db = switch (kind) {
      case MARIADB -> Database.open(TestDatabases.createMariaDb(), TestDatabases.USER, TestDatabases.PASSWORD, null);
      case MARIADB_DRIVER -> Database.open(TestDatabases.mariadbDriverUrl(TestDatabases.createMariaDb()),
          TestDatabases.USER, TestDatabases.PASSWORD, null);
      case H2 -> Database.open(TestDatabases.h2Url(dir), Database.EMBEDDED_USER, "", dir);
    };
    ds = db.dataSource();
  }

  @AfterEach
  void disposeDatabase() {
    db.close();
    if (kind != Kind.H2) {
      TestDatabases.drop(db.url());
    }
  }
}
