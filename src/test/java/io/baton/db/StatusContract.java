package io.baton.db;

import static io.baton.db.DbTestSupport.count;
import static io.baton.db.DbTestSupport.exec;
import static io.baton.db.DbTestSupport.insertChain;
import static io.baton.db.DbTestSupport.one;
import static io.baton.db.DbTestSupport.timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** StatusRepository and DemoChains, run on H2 and on MariaDB by the subclasses. */
abstract class StatusContract {
  protected Database db;
  protected DataSource ds;

  protected abstract Database openFresh();

  protected abstract void dispose(Database db);

  @BeforeEach
  void open() {
    db = openFresh();
    ds = db.dataSource();
  }

  @AfterEach
  void close() {
    dispose(db);
  }

  @Test
  void registerIsOneRowPerNodeName() {
    StatusRepository status = new StatusRepository(ds);
    long id = status.register("node-a", 4321, "info");
    assertEquals(id, status.register("node-a", 4322, "debug"));
    assertNotEquals(id, status.register("node-b", 1, "info"));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM realtime_status WHERE name = 'node-a'"));
    assertEquals(4322, count(ds, "SELECT pid_index FROM realtime_status WHERE id = ?", id));
    assertEquals("debug", one(ds, "SELECT debugmode FROM realtime_status WHERE id = ?", id));
  }

  @Test
  void heartbeatRefreshesTheRowAndRecreatesADeletedOne() {
    StatusRepository status = new StatusRepository(ds);
    long id = status.register("node-a", 1, "info");
    Instant outcome = Instant.parse("2026-06-15T10:00:00Z");
    status.heartbeat("node-a", 5, 2, "warn", outcome);
    assertEquals(5, count(ds, "SELECT timequeuesize FROM realtime_status WHERE id = ?", id));
    assertEquals(2, count(ds, "SELECT replyqueuesize FROM realtime_status WHERE id = ?", id));
    assertEquals(ProcessHandle.current().pid(),
        count(ds, "SELECT pid_index FROM realtime_status WHERE id = ?", id));
    assertEquals(outcome, timestamp(ds,
        "SELECT job_last_ping_time FROM realtime_status WHERE id = ?", id));

    status.heartbeat("node-a", 6, 0, "warn", null); // no new outcome: the last one is kept
    assertEquals(outcome, timestamp(ds,
        "SELECT job_last_ping_time FROM realtime_status WHERE id = ?", id));

    exec(ds, "DELETE FROM realtime_status");
    status.heartbeat("node-a", 7, 1, "info", null);
    assertEquals(7, count(ds, "SELECT timequeuesize FROM realtime_status WHERE name = 'node-a'"));
  }

  @Test
  void demoChainsAreOfferedOnceOnly() {
    assertTrue(DemoChains.installIfEmpty(ds));
    assertEquals(3, count(ds, "SELECT COUNT(*) FROM jobchain_table WHERE tag = 'demo'"));
    assertEquals(4, count(ds, "SELECT COUNT(*) FROM jobtable"));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM deptable WHERE command = 'second_check.sh'"));
    assertEquals(2.0, ((Number) one(ds, "SELECT dep_ot FROM jobchain_table"
        + " WHERE job_desc = 'demo: waits for a dependency'")).doubleValue());

    exec(ds, "DELETE FROM jobchain_table"); // the operator removes them ...
    assertFalse(DemoChains.installIfEmpty(ds)); // ... and they stay removed
    assertEquals(0, count(ds, "SELECT COUNT(*) FROM jobchain_table"));
  }

  @Test
  void demoChainsAreNotAddedToAnExistingCatalog() {
    insertChain(ds, "mine", 1, "@daily", 0, "ON", 1, 0);
    assertFalse(DemoChains.installIfEmpty(ds));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM jobchain_table"));
  }
}
