package io.baton.db;

import static io.baton.db.DbTestSupport.exec;
import static io.baton.db.DbTestSupport.insertChain;
import static io.baton.db.DbTestSupport.insertJob;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.chain.ChainDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CatalogContract on a fresh MariaDB database reached through Connector/J (jdbc:mysql://). */
class CatalogIT extends CatalogContract {
  private String url;

  @Override
  protected Database openFresh() {
    url = TestDatabases.createMariaDb();
    return Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null);
  }

  @Override
  protected void dispose(Database db) {
    db.close();
    TestDatabases.drop(url);
  }

  /** total_stpes is INT UNSIGNED: 4294967295 fits the column but not a Java int. */
  @Test
  void aRowThatCannotBeMappedDoesNotHideTheOthers() {
    long good = insertChain(ds, "good", 1, "@daily", 0, "ON", 1, 0);
    long bad = insertChain(ds, "bad", 1, "@daily", 0, "ON", 1, 0);
    insertJob(ds, good, "a.sh", 1, "0");
    insertJob(ds, bad, "b.sh", 1, "0");
    exec(ds, "UPDATE jobchain_table SET total_stpes = 4294967295 WHERE id = " + bad);
    List<ChainDefinition> all = catalog.loadAll();
    assertEquals(List.of(good), all.stream().map(ChainDefinition::id).toList());
    assertEquals(1, all.get(0).jobs().size());
  }
}
