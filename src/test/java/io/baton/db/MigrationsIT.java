package io.baton.db;

import static io.baton.db.DbTestSupport.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrations against MariaDB, through both drivers, on empty and on pre-existing databases. */
class MigrationsIT {
  static final Set<String> BATON_TABLES = Set.of("chain_run", "job_run", "baton_meta", "baton_command", "baton_lease",
      "baton_awake_chain", "event_journal", "event_tag", "snapshot", "flyway_schema_history");
  static final Set<String> ORIGINAL_TABLES = Set.copyOf(OriginalDdl.TABLES);
  /** V1 to V10. */
  static final int MIGRATIONS = 10;

  private String url;

  @BeforeEach
  void create() {
    url = TestDatabases.createMariaDb();
  }

  @AfterEach
  void drop() {
    TestDatabases.drop(url);
  }

  @Test
  void anEmptyDatabaseGetsEverythingThroughConnectorJ() {
    try (Database db = open(url)) {
      assertEquals(Dialect.MYSQL, db.dialect());
      assertFalse(db.embedded());
      assertTrue(db.url().endsWith("?rewriteBatchedStatements=true"), db.url());
    }
    assertEquals(union(ORIGINAL_TABLES, BATON_TABLES), TestDatabases.showCreateTables(url).keySet());
    // the originals are created as the original DDL creates them, foreign keys included
    String jobtable = TestDatabases.showCreateTables(url).get("jobtable");
    assertTrue(jobtable.contains("FOREIGN KEY (`job_chain_id`) REFERENCES `jobchain_table` (`id`)"
        + " ON DELETE CASCADE"), jobtable);
    assertTrue(jobtable.contains("ON UPDATE current_timestamp()"), jobtable);
  }

  @Test
  void aDatabaseMadeByTheOriginalDdlOnlyGainsBatonsTables() {
    TestDatabases.createOriginalTables(url);
    Map<String, String> before = TestDatabases.showCreateTables(url);
    assertEquals(ORIGINAL_TABLES, before.keySet());

    try (Database db = open(url)) {
      assertEquals(1, count(db.dataSource(),
          "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '0'"));
    }
    Map<String, String> after = TestDatabases.showCreateTables(url);
    assertEquals(union(ORIGINAL_TABLES, BATON_TABLES), after.keySet());
    Map<String, String> originalsAfter = new HashMap<>(after);
    originalsAfter.keySet().retainAll(ORIGINAL_TABLES);
    // realtime_status gains Baton's lease_*, node and address columns and the lease row; nothing else changes
    originalsAfter.put("realtime_status", originalsAfter.get("realtime_status")
        .replaceAll("\n\s*`(lease_[a-z]+|node_host|node_number|last_run_id|http_address|cluster_address)`[^\n]*", "").replaceAll(" AUTO_INCREMENT=\\d+", ""));
    // jobchain_lst_run gains an index on jobchain_id (V10); its columns are the same
    originalsAfter.put("jobchain_lst_run", originalsAfter.get("jobchain_lst_run")
        .replace(",\n  KEY `baton_lst_run_chain` (`jobchain_id`)", ""));
    assertEquals(before, originalsAfter);
  }

  @Test
  void theMariaDbDriverWorksToo() {
    try (Database db = open(TestDatabases.mariadbDriverUrl(url))) {
      assertEquals(Dialect.MYSQL, db.dialect());
      assertFalse(db.url().contains("rewriteBatchedStatements"), db.url());
      assertEquals(3, count(db.dataSource(),
          "SELECT COUNT(*) FROM flyway_schema_history WHERE version IN ('1', '2', '3')"));
    }
    assertEquals(union(ORIGINAL_TABLES, BATON_TABLES), TestDatabases.showCreateTables(url).keySet());
  }

  @Test
  void migratingTwiceIsANoOp() {
    try (Database db = open(url)) {
      assertEquals(MIGRATIONS, count(db.dataSource(), "SELECT COUNT(*) FROM flyway_schema_history"));
    }
    Map<String, String> first = TestDatabases.showCreateTables(url);
    try (Database db = open(TestDatabases.mariadbDriverUrl(url))) {
      assertEquals(MIGRATIONS, count(db.dataSource(), "SELECT COUNT(*) FROM flyway_schema_history"));
    }
    assertEquals(first, TestDatabases.showCreateTables(url));
  }

  @Test
  void aDatabaseWithOnlySomeOriginalTablesIsRefusedByName() {
    TestDatabases.createOriginalTables(url);
    TestDatabases.admin("DROP TABLE `" + TestDatabases.databaseName(url) + "`.realtime_status");
    TestDatabases.admin("DROP TABLE `" + TestDatabases.databaseName(url) + "`.schedulerMessage");
    DatabaseException e = assertThrows(DatabaseException.class, () -> open(url));
    assertEquals("database " + url + ": schema migration failed: the database has only some of"
        + " the original scheduler's tables (missing: realtime_status, schedulerMessage);"
        + " create them with schema/V1__original.sql or point Baton at an empty database",
        e.getMessage());
    assertEquals(Set.of("jobchain_table", "jobtable", "deptable", "jobchain_lst_run",
        "flyway_schema_history"), TestDatabases.showCreateTables(url).keySet());
  }

  private static Database open(String url) {
    return Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
