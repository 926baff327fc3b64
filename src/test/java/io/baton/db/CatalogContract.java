package io.baton.db;

import static io.baton.db.DbTestSupport.exec;
import static io.baton.db.DbTestSupport.insertChain;
import static io.baton.db.DbTestSupport.insertDep;
import static io.baton.db.DbTestSupport.insertJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.definition.ChainDefinition;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CatalogRepository behaviour, run on H2 and on MariaDB by the subclasses. */
abstract class CatalogContract extends FreshDatabase {
  protected CatalogRepository catalog;

  CatalogContract(Kind kind) {
    super(kind);
  }

  @BeforeEach
  void openRepository() {
    catalog = new CatalogRepository(ds);
  }

  @Test
  void loadAllGroupsJobsAndDependenciesUnderTheirChains() {
    long a = insertChain(ds, "chain a", 2, "*/5 * * * *", 1.1, "ON", 1, 0);
    long b = insertChain(ds, "chain b", 1, "@daily", 0, "off ", 0, 1);
    long a2 = insertJob(ds, a, "second.sh", 2, "15m");
    long a1 = insertJob(ds, a, "first.py --x 'y z'", 1, "300");
    long b1 = insertJob(ds, b, "only.sh", 1, "0");
    long ad = insertDep(ds, a, "ready.sh", 45);

    Map<Long, ChainDefinition> byId = catalog.loadAll().stream()
        .collect(Collectors.toMap(ChainDefinition::id, Function.identity()));

    assertEquals(2, byId.size());
    ChainDefinition ca = byId.get(a);
    assertEquals("chain a", ca.description());
    assertEquals(2, ca.totalSteps());
    assertEquals("*/5 * * * *", ca.timestr());
    assertEquals(1.1, ca.depTimeoutMinutes());
    assertTrue(ca.switchOn());
    assertTrue(ca.mainFlag());
    assertFalse(ca.bkpFlag());
    assertEquals(List.of(a1, a2), ca.jobs().stream().map(j -> j.id()).toList());
    assertEquals("first.py --x 'y z'", ca.jobs().get(0).command());
    assertEquals("300", ca.jobs().get(0).ottime());
    assertEquals("15m", ca.jobs().get(1).ottime());
    assertEquals(2, ca.jobs().get(1).stepLevel());
    assertEquals("/bin/sh", ca.jobs().get(0).env());
    assertEquals(1, ca.dependencies().size());
    assertEquals(ad, ca.dependencies().get(0).id());
    assertEquals(45, ca.dependencies().get(0).ottimeSeconds());
    assertEquals("dep", ca.dependencies().get(0).description());
    assertEquals(null, ca.dependencies().get(0).env());

    ChainDefinition cb = byId.get(b);
    assertFalse(cb.switchOn());
    assertFalse(cb.mainFlag());
    assertTrue(cb.bkpFlag());
    assertEquals(List.of(b1), cb.jobs().stream().map(j -> j.id()).toList());
    assertTrue(cb.dependencies().isEmpty());
  }

  @Test
  void switchIsReadWithoutCaseOrBlanks() {
    long id = insertChain(ds, "c", 1, "@hourly", 0, " on", 1, 0);
    assertTrue(catalog.loadAll().stream().filter(c -> c.id() == id).findFirst().get().switchOn());
  }

  @Test
  void fingerprintIsStableWhileNothingChanges() {
    long chain = insertChain(ds, "c", 1, "@hourly", 0, "ON", 1, 0);
    insertJob(ds, chain, "a.sh", 1, "0");
    ageAllRows("2020-01-01 00:00:00");
    assertEquals(catalog.fingerprint(), catalog.fingerprint());
  }

  @Test
  void fingerprintChangesOnInsertUpdateAndDelete() {
    long chain = insertChain(ds, "c", 1, "@hourly", 0, "ON", 1, 0);
    long job = insertJob(ds, chain, "a.sh", 1, "0");
    ageAllRows("2020-01-01 00:00:00");
    String initial = catalog.fingerprint();

    insertDep(ds, chain, "d.sh", 0);
    ageAllRows("2020-01-01 00:00:00");
    String afterInsert = catalog.fingerprint();
    assertNotEquals(initial, afterInsert);

    // an update changes no count nor id: only entry_time (ON UPDATE CURRENT_TIMESTAMP) shows it
    exec(ds, "UPDATE jobtable SET command = 'b.sh' WHERE id = " + job);
    String afterUpdate = catalog.fingerprint();
    assertNotEquals(afterInsert, afterUpdate);

    ageAllRows("2020-01-01 00:00:00");
    String settled = catalog.fingerprint();
    exec(ds, "DELETE FROM jobtable WHERE id = " + job);
    assertNotEquals(settled, catalog.fingerprint());
  }

  @Test
  void fingerprintDiffersAtEveryCallWhileTheTablesChangedRecently() {
    insertChain(ds, "c", 1, "@hourly", 0, "ON", 1, 0);
    String first = catalog.fingerprint();
    assertTrue(first.contains("recent@"), first);
    assertNotEquals(first, catalog.fingerprint());
  }

  @Test
  void emptyCatalog() {
    assertTrue(catalog.loadAll().isEmpty());
    assertEquals(catalog.fingerprint(), catalog.fingerprint());
  }

  /** Moves entry_time into the past so only the change under test moves the fingerprint. */
  private void ageAllRows(String when) {
    for (String table : List.of("jobchain_table", "jobtable", "deptable")) {
      exec(ds, "UPDATE " + table + " SET entry_time = '" + when + "'");
    }
  }
}
