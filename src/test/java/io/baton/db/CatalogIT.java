package io.baton.db;

import static io.baton.db.DbTestSupport.exec;
import static io.baton.db.DbTestSupport.insertChain;
import static io.baton.db.DbTestSupport.insertJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.definition.ChainDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CatalogContract on a fresh MariaDB database reached through Connector/J (jdbc:mysql://). */
class CatalogIT extends CatalogContract {
  CatalogIT() {
    super(Kind.MARIADB);
  }

  /** total_stpes is INT UNSIGNED: 4294967295 fits the column but not a Java int. */
  @Test
  void aRowThatCannotBeMappedDoesNotHideTheOthersAndIsNamedAgainstItsChain() {
    long good = insertChain(ds, "good", 1, "@daily", 0, "ON", 1, 0);
    long bad = insertChain(ds, "bad", 1, "@daily", 0, "ON", 1, 0);
    insertJob(ds, good, "a.sh", 1, "0");
    insertJob(ds, bad, "b.sh", 1, "0");
    exec(ds, "UPDATE jobchain_table SET total_stpes = 4294967295 WHERE id = " + bad);
    CatalogRepository.Snapshot snapshot = catalog.load();
    assertEquals(List.of(good, bad), snapshot.chains().stream().map(ChainDefinition::id).toList());
    assertEquals(1, snapshot.chains().get(0).jobs().size());
    assertTrue(!snapshot.unreadableRows().containsKey(good), "the good chain has every row");
    assertTrue(snapshot.unreadableRows().get(bad).get(0).startsWith("jobchain_table row id=" + bad + " cannot be read"),
        snapshot.unreadableRows().toString());
  }
}
