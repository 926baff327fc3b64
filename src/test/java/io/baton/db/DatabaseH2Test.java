package io.baton.db;

import static io.baton.db.DbTestSupport.count;
import static io.baton.db.DbTestSupport.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.config.BatonSettings;
import io.baton.config.BatonSettings.DbSettings;
import io.baton.config.BatonSettings.ExecSettings;
import io.baton.config.BatonSettings.Recovery;
import io.baton.config.BatonSettings.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseH2Test {
  static final Set<String> ALL_TABLES = Set.of("deptable", "jobchain_table", "jobtable",
      "jobchain_lst_run", "realtime_status", "schedulerMessage", "chain_run", "job_run",
      "baton_meta", "baton_command", "baton_lease", "baton_awake_chain", "event_journal", "event_tag", "snapshot", "durable_state",
      "flyway_schema_history");

  @TempDir Path home;

  @Test
  void withoutAUrlTheEmbeddedDatabaseIsCreatedWithDemoChains() throws SQLException {
    try (Database db = Database.open(settings(home))) {
      assertTrue(db.embedded());
      assertEquals(Dialect.H2, db.dialect());
      assertEquals(Database.embeddedUrl(home.resolve("data")), db.url());
      assertEquals("sa", db.user());
      assertTrue(Files.isDirectory(home.resolve("data")));
      assertEquals(ALL_TABLES, tables(db));
      assertEquals(3, count(db.dataSource(), "SELECT COUNT(*) FROM jobchain_table"));
      exec(db.dataSource(), "DELETE FROM jobchain_table WHERE job_desc = 'demo: fails'");
    }
    try (Database again = Database.open(settings(home))) {
      assertEquals(2, count(again.dataSource(), "SELECT COUNT(*) FROM jobchain_table"));
    }
  }

  @Test
  void migratingTwiceChangesNothing() {
    String url = TestDatabases.h2Url(home);
    long applied;
    try (Database db = Database.open(url, "sa", "", home)) {
      applied = count(db.dataSource(), "SELECT COUNT(*) FROM flyway_schema_history");
      assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), List.of(versions(db)));
    }
    try (Database db = Database.open(url, "sa", "", home)) {
      assertEquals(applied, count(db.dataSource(), "SELECT COUNT(*) FROM flyway_schema_history"));
    }
  }

  @Test
  void aDataFolderThatCannotBeCreatedIsOneClearLine() throws Exception {
    Path file = Files.writeString(home.resolve("not-a-folder"), "x");
    Path dataDir = file.resolve("data");
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> Database.open(Database.embeddedUrl(dataDir), "sa", "", dataDir));
    assertTrue(e.getMessage().startsWith("data folder " + dataDir + " cannot be created"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  static String[] versions(Database db) {
    List<String> out = new java.util.ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        var rs = c.createStatement().executeQuery(
            "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out.toArray(new String[0]);
  }

  static Set<String> tables(Database db) throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      return new TreeSet<>(TestDatabases.tables(c));
    }
  }

  static BatonSettings settings(Path home) {
    Duration s = Duration.ofSeconds(2);
    return new BatonSettings("node-1", Site.MAIN, ZoneOffset.UTC, home, home.resolve("jobs"),
        home.resolve("dependent"), home.resolve("logs"), new DbSettings("", "root", ""),
        new DbSettings("", "root", ""), s, s, s, s,
        new ExecSettings(List.of("/bin/sh"), s, s, 1024), Recovery.RERUN_STEP, s, s, s, Duration.ofSeconds(60),
        new BatonSettings.HttpSettings("127.0.0.1", 0, "", List.of()), new BatonSettings.ClusterSettings("127.0.0.1", 0));
  }
}
