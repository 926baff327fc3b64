package io.baton.db;

import static io.baton.db.DbTestSupport.count;
import static io.baton.db.DbTestSupport.exec;
import static io.baton.db.DbTestSupport.insertChain;
import static io.baton.db.DbTestSupport.one;
import static io.baton.db.DbTestSupport.timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** StatusRepository and DemoChains, run on H2 and on MariaDB by the subclasses. */
abstract class StatusContract extends FreshDatabase {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final long ME = ProcessHandle.current().pid();

  StatusContract(Kind kind) {
    super(kind);
  }

  private static StatusRepository.Claim claim(String name, String host, long pid) {
    return new StatusRepository.Claim(name, host, pid, "info", TTL);
  }

  @Test
  void aClaimIsOneRowPerNodeNameWithANodeNumberOfItsOwn() {
    StatusRepository status = new StatusRepository(ds);
    StatusRepository.Registration a = status.claim(claim("node-a", "host-1", ME));
    assertEquals(a, status.claim(claim("node-a", "host-1", ME)), "the same process claims again");
    StatusRepository.Registration b = status.claim(claim("node-b", "host-2", 1));
    assertNotEquals(a.rowId(), b.rowId());
    assertNotEquals(a.nodeNumber(), b.nodeNumber());
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM realtime_status WHERE name = 'node-a'"));
    assertEquals("host-1", one(ds, "SELECT node_host FROM realtime_status WHERE id = ?", a.rowId()));
  }

  @Test
  void aLiveNodeOnAnotherHostKeepsItsName() {
    StatusRepository status = new StatusRepository(ds);
    status.claim(claim("node-a", "host-1", 4321));
    StatusRepository.NameTakenException e = assertThrows(StatusRepository.NameTakenException.class,
        () -> status.claim(claim("node-a", "host-2", ME)));
    assertTrue(e.getMessage().startsWith("node 'node-a' is already running on host host-1 (pid 4321"), e.getMessage());
  }

  @Test
  void aNodeOfThisHostWhoseProcessIsGoneGivesUpItsNameAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    StatusRepository status = new StatusRepository(ds);
    StatusRepository.Registration before = status.claim(claim("node-a", "host-1", gone.pid()));
    assertEquals(before.nodeNumber(), status.claim(claim("node-a", "host-1", ME)).nodeNumber(), "a restart after kill -9");

    StatusRepository.Registration other = status.claim(claim("node-b", "host-1", ME + 1_000_000));
    assertEquals(other, status.claim(claim("node-b", "host-1", ME)), "that pid does not run here");
  }

  @Test
  void aNodeSilentForLongerThanTheTtlGivesUpItsName() {
    StatusRepository status = new StatusRepository(ds);
    status.claim(claim("node-a", "host-1", 4321));
    exec(ds, "UPDATE realtime_status SET index_last_ping_time = TIMESTAMPADD(SECOND, -11, CURRENT_TIMESTAMP)"
        + " WHERE name = 'node-a'");
    status.claim(claim("node-a", "host-2", ME));
    assertEquals("host-2", one(ds, "SELECT node_host FROM realtime_status WHERE name = 'node-a'"));
  }

  @Test
  void aRestartedNodeMakesRunIdsAboveEveryIdItMadeEvenWithTheClockSetBack() {
    StatusRepository status = new StatusRepository(ds);
    StatusRepository.Registration first = status.claim(claim("node-a", "host-1", ME));
    Clock now = Clock.fixed(Instant.parse("2026-06-15T10:00:00Z"), ZoneOffset.UTC);
    io.baton.node.RunIds before = new io.baton.node.RunIds(first.nodeNumber(), now, first.runIdFloor());
    long lastBefore = 0;
    for (int i = 0; i < 10_000; i++) { // more than a millisecond's sequence: the node bits stay
      lastBefore = before.next();
      assertEquals(first.nodeNumber(), io.baton.node.RunIds.nodeOf(lastBefore));
    }
    status.heartbeat(new StatusRepository.Beat("node-a", "host-1", first.nodeNumber(), before.reservedUpTo(), 0, 0,
        "info", null));

    StatusRepository.Registration again = status.claim(claim("node-a", "host-1", ME));
    Clock anHourEarlier = Clock.offset(now, Duration.ofHours(-1));
    long firstAfter = new io.baton.node.RunIds(again.nodeNumber(), anHourEarlier, again.runIdFloor()).next();
    assertTrue(firstAfter > lastBefore, firstAfter + " > " + lastBefore);
    assertEquals(first.nodeNumber(), io.baton.node.RunIds.nodeOf(firstAfter));
  }

  @Test
  void aLeaseHeldUnderThisNameByAnotherProcessIsNotThisProcesssLease() {
    LeaseRepository leases = new LeaseRepository(ds);
    LeaseRepository.Lease first = leases.takeOrRenew("node-a", "main", -1, TTL, false, true);
    assertTrue(first.won());
    // the process froze; a new process of the same name started and took the name's lease at once
    LeaseRepository.Lease second = leases.takeOrRenew("node-a", "main", -1, TTL, false, true);
    assertTrue(second.won());
    assertEquals(first.epoch() + 1, second.epoch(), "under a new epoch");
    // the frozen one wakes and renews under its old epoch: the lease bears its name, but is not its own
    LeaseRepository.Lease stale = leases.takeOrRenew("node-a", "main", first.epoch(), TTL, false, false);
    assertFalse(stale.won());
    assertEquals(second.epoch(), stale.epoch());
  }

  @Test
  void heartbeatRefreshesTheRowAndRecreatesADeletedOne() {
    StatusRepository status = new StatusRepository(ds);
    long id = status.claim(claim("node-a", "host-1", ME)).rowId();
    Instant outcome = Instant.parse("2026-06-15T10:00:00Z");
    status.heartbeat(beat(5, 2, "warn", outcome));
    assertEquals(5, count(ds, "SELECT timequeuesize FROM realtime_status WHERE id = ?", id));
    assertEquals(2, count(ds, "SELECT replyqueuesize FROM realtime_status WHERE id = ?", id));
    assertEquals(ME, count(ds, "SELECT pid_index FROM realtime_status WHERE id = ?", id));
    assertEquals(outcome, timestamp(ds,
        "SELECT job_last_ping_time FROM realtime_status WHERE id = ?", id));

    status.heartbeat(beat(6, 0, "warn", null)); // no new outcome: the last one is kept
    assertEquals(outcome, timestamp(ds,
        "SELECT job_last_ping_time FROM realtime_status WHERE id = ?", id));

    exec(ds, "DELETE FROM realtime_status WHERE name = 'node-a'");
    status.heartbeat(beat(7, 1, "info", null));
    assertEquals(7, count(ds, "SELECT timequeuesize FROM realtime_status WHERE name = 'node-a'"));
  }

  @Test
  void aHeartbeatDoesNotTakeBackANameAnotherProcessClaimed() {
    StatusRepository status = new StatusRepository(ds);
    status.claim(claim("node-a", "host-1", ME));
    exec(ds, "UPDATE realtime_status SET node_host = 'host-2', pid_index = 99 WHERE name = 'node-a'");
    assertThrows(StatusRepository.NameTakenException.class, () -> status.heartbeat(beat(1, 1, "info", null)));
    assertEquals("host-2", one(ds, "SELECT node_host FROM realtime_status WHERE name = 'node-a'"));
  }

  private static StatusRepository.Beat beat(int armed, int running, String level, Instant outcome) {
    return new StatusRepository.Beat("node-a", "host-1", 0, 0, armed, running, level, outcome);
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
