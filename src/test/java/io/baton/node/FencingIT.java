package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.exec.OsProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never two copies of a job: a leader that has seen a standby and can no longer renew kills its
 * process trees before its lease can expire (itself, or through its companion when the JVM is
 * frozen), and the decisions of a leader whose lease was taken are refused by the database.
 */
class FencingIT {
  private static final Duration TTL = Duration.ofSeconds(4);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");

  @Test
  void aFrozenLeaderWithAStandbyHasItsJobKilledBeforeItsLeaseExpires() throws Exception {
    NodeProcess a = db.startLeader("node-a");
    db.startNamed("node-b");
    long pid = longJobOf();

    a.pause();
    assertDiesBeforeTheLeaseCanExpire(pid);
    assertTrue(a.alive(), "node-a is only frozen");
  }

  @Test
  void aLeaderCutOffFromTheDatabaseWithAStandbyKillsItsJobWhenItFencesItself() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      NodeProcess a = db.startLeader("node-a", Map.of("baton.db.main.url", db.urlVia(proxy)));
      db.startNamed("node-b");
      long pid = longJobOf();

      proxy.cut();
      assertDiesBeforeTheLeaseCanExpire(pid);
      await().atMost(Duration.ofSeconds(5)).until(() -> a.log().contains("process tree(s) killed with SIGKILL"));
    }
  }

  @Test
  void aLeaderAloneKeepsItsJobThroughAnOutage() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      NodeProcess a = db.startLeader("node-a", Map.of("baton.db.main.url", db.urlVia(proxy)));
      long pid = longJobOf();

      proxy.cut();
      Instant over = db.leaseUntil().plus(TTL);
      await().atMost(TTL.multipliedBy(3)).until(() -> Instant.now().isAfter(over));

      assertTrue(OsProcesses.isRunning(pid), "nobody else could have started it: it goes on");
      assertTrue(a.log().contains("lease not renewed in time"), a.log());
    }
  }

  @Test
  void eventsOfALeaderWhoseLeaseWasTakenAreRefusedByTheDatabase() throws Exception {
    // a long lease: node-a renews (and so learns it was deposed) only every 6 s, and meanwhile goes on deciding
    NodeProcess a = db.startLeader("node-a", Map.of("baton.lease.ttl", "30s"));
    List<Long> chains = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long chain = db.chainOfOneJob("chain " + i, "@every 1s", "ok.sh");
      chains.add(chain);
    }
    for (long chain : chains) {
      db.awaitRuns(chain, runs -> runs.size() >= 2);
    }

    // another node takes the lease while node-a still believes it leads (its own check allows it
    // for ttl - 1.5 s after its last renewal): only the database can refuse what it decides meanwhile
    db.update("UPDATE realtime_status SET lease_holder = 'intruder', lease_epoch = lease_epoch + 1,"
        + " lease_until = TIMESTAMPADD(SECOND, 60, CURRENT_TIMESTAMP(3)) WHERE name = 'baton-lease'");
    long takenAt = Instant.now().toEpochMilli();
    await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("leadership: deposed"));

    List<Map<String, Object>> written = db.rows("SELECT persistence_id, sequence_number FROM event_journal"
        + " WHERE write_timestamp > ?", takenAt);
    assertEquals(List.of(), written, "no chain event was written after the lease was taken");
    assertTrue(a.log().contains("no longer holds the lease"), "the refusal came from the database:\n" + a.log());
  }

  /** The job {@code pid} dies (a few seconds at most) before the lease, as it stands now, expires. */
  private void assertDiesBeforeTheLeaseCanExpire(long pid) {
    Instant until = db.leaseUntil();
    await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> !OsProcesses.isRunning(pid));
    Instant dead = Instant.now();
    assertTrue(dead.isBefore(until), "the job died at " + dead + ", before the lease could expire at " + until);
  }

  /** Starts a chain whose job runs for ten minutes on the node; returns the job's pid. */
  private long longJobOf() throws Exception {
    long chain = db.chain("long job", 1, "@every 1h", 0);
    db.job(chain, "sleep.sh 600", 1, "1h");
    db.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", chain);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        !db.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).isEmpty());
    db.update("UPDATE jobchain_table SET timestr = '@every 1h' WHERE id = ?", chain);
    long pid = ((Number) db.rows("SELECT pid FROM job_run WHERE chain_id = ?", chain).get(0).get("pid")).longValue();
    assertTrue(OsProcesses.isRunning(pid));
    // two renewals since the standby's first heartbeat: the leader has seen it
    Instant seen = Instant.now().plus(TTL.dividedBy(5).multipliedBy(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(seen));
    return pid;
  }
}
