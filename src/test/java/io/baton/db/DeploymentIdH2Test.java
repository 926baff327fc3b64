package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every node of a database gets the same deployment id, which no other database has. */
class DeploymentIdH2Test {
  @TempDir Path home;
  @TempDir Path elsewhere;

  @Test
  void aDatabaseKeepsTheIdItsFirstNodeMadeAndAnotherDatabaseHasItsOwn() {
    String id;
    try (Database db = Database.open(DatabaseH2Test.settings(home));
        Database other = Database.open(DatabaseH2Test.settings(elsewhere))) {
      id = DeploymentId.of(db.dataSource());
      assertNotNull(id);
      assertEquals(id, DeploymentId.of(db.dataSource()), "made once, then read");
      assertNotEquals(id, DeploymentId.of(other.dataSource()));
    }
    try (Database again = Database.open(DatabaseH2Test.settings(home))) {
      assertEquals(id, DeploymentId.of(again.dataSource()), "the next start reads it");
      assertEquals(1, DbTestSupport.count(again.dataSource(),
          "SELECT COUNT(*) FROM baton_meta WHERE meta_key = 'deployment'"));
    }
  }

  @Test
  void nodesStartingAtOnceOnAnEmptyDatabaseGetOneId() throws Exception {
    try (Database db = Database.open(DatabaseH2Test.settings(home))) {
      java.util.concurrent.ExecutorService nodes = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        java.util.List<java.util.concurrent.Callable<String>> starts =
            java.util.Collections.nCopies(8, () -> DeploymentId.of(db.dataSource()));
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (java.util.concurrent.Future<String> id : nodes.invokeAll(starts)) {
          ids.add(id.get());
        }
        assertEquals(1, ids.size(), "one id: " + ids);
      } finally {
        nodes.shutdown();
      }
    }
  }
}
