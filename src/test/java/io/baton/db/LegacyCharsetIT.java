package io.baton.db;

import static io.baton.db.DbTestSupport.one;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's database in latin1 (the server default of older installations): a message with
 * characters latin1 cannot hold is stored in plain ASCII instead of blocking the writer.
 */
class LegacyCharsetIT {
  private String url;

  @BeforeEach
  void create() {
    url = TestDatabases.createMariaDb();
    TestDatabases.admin("ALTER DATABASE `" + TestDatabases.databaseName(url)
        + "` CHARACTER SET latin1");
    TestDatabases.createOriginalTables(url);
  }

  @AfterEach
  void drop() {
    TestDatabases.drop(url);
  }

  @Test
  void messagesThatDoNotFitTheCharsetAreWrittenInAscii() {
    try (Database db = Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null)) {
      new RunRepository(db.dataSource()).message(1L, "job 2 exit 1 ✓ done");
      new RunRepository(db.dataSource()).message(2L, "café"); // latin1 holds this one
      assertEquals("job 2 exit 1 ? done",
          one(db.dataSource(), "SELECT msg FROM schedulerMessage WHERE run_id = 1"));
      assertEquals("café",
          one(db.dataSource(), "SELECT msg FROM schedulerMessage WHERE run_id = 2"));
    }
  }
}
