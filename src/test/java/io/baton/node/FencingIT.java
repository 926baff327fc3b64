package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import io.baton.exec.OsProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never two copies of a job: a node that hosts a chain's shard and can no longer renew the shard's
 * lease, with another node alive, kills the chain's process trees before the lease can expire
 * (itself, or through its companion when the JVM is frozen), and the decisions of a node whose
 * shard lease was taken are refused by the database.
 */
@RunsAlone
class FencingIT {
  private static final Duration TTL = Duration.ofSeconds(4);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");

  @Test
  void aFrozenHostWithAnotherNodeAliveHasItsJobKilledBeforeItsShardLeaseExpires() throws Exception {
    Map<String, NodeProcess> nodes = db.startNamedTogether("node-a", "node-b");
    db.awaitShardsSpread("node-a", "node-b");
    LongJob job = longJob();

    NodeProcess host = nodes.get(job.host());
    host.pause();
    assertDiesBeforeTheLeaseCanExpire(job);
    assertTrue(host.alive(), job.host() + " is only frozen");
  }

  @Test
  void aHostCutOffFromTheDatabaseWithAnotherNodeAliveKillsItsJobAndLeavesTheCluster() throws Exception {
    try (TcpProxy toA = new TcpProxy(3306); TcpProxy toB = new TcpProxy(3306)) {
      Map<String, NodeProcess> nodes = db.startNamedTogether(NodeFixture.inOrder(
          "node-a", Map.of("baton.db.main.url", db.urlVia(toA)), "node-b", Map.of("baton.db.main.url", db.urlVia(toB))));
      db.awaitShardsSpread("node-a", "node-b");
      LongJob job = longJob();

      (job.host().equals("node-a") ? toA : toB).cut();
      assertDiesBeforeTheLeaseCanExpire(job);
      await().atMost(Duration.ofSeconds(10)).until(() -> nodes.get(job.host()).log().contains("cut off from the database"));
    }
  }

  @Test
  void aNodeAloneKeepsItsJobThroughAnOutage() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      NodeProcess a = db.startNamed("node-a", Map.of("baton.db.main.url", db.urlVia(proxy)));
      LongJob job = longJob();

      proxy.cut();
      Instant over = db.shardLeaseUntil(job.chain()).plus(TTL);
      await().atMost(TTL.multipliedBy(3)).until(() -> Instant.now().isAfter(over));

      assertTrue(OsProcesses.isRunning(job.pid()), "nobody else could have started it: it goes on");
      assertTrue(a.log().contains("kept, as no other node could take it"), a.log());
    }
  }

  @Test
  void eventsOfANodeWhoseShardLeasesWereTakenAreRefusedByTheDatabase() throws Exception {
    // a long lease: node-a renews (and so learns the shards are gone) only every 6 s, and meanwhile goes on deciding
    NodeProcess a = db.startNamed("node-a", Map.of("baton.lease.ttl", "30s"));
    List<Long> chains = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long chain = db.chainOfOneJob("chain " + i, "@every 1s", "ok.sh");
      chains.add(chain);
    }
    for (long chain : chains) {
      db.awaitRuns(chain, runs -> runs.size() >= 2);
    }

    // another node takes the shards' leases while node-a still believes it holds them (its own check
    // allows it for ttl - 1.5 s after its last renewal): only the database can refuse what it decides meanwhile
    db.update("UPDATE baton_lease SET lease_holder = 'intruder', lease_epoch = lease_epoch + 1,"
        + " lease_until = TIMESTAMPADD(SECOND, 60, CURRENT_TIMESTAMP(3)) WHERE lease_name LIKE 'baton-shard-%'");
    long takenAt = Instant.now().toEpochMilli();
    await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("another owner holds it now"));

    List<Map<String, Object>> written = db.rows("SELECT persistence_id, sequence_number FROM event_journal"
        + " WHERE write_timestamp > ?", takenAt);
    assertEquals(List.of(), written, "no chain event was written after the shard leases were taken");
    assertTrue(a.log().contains("no longer holds lease baton-shard-chain-"), "the refusal came from the database:\n"
        + a.log());
  }

  /** The chain whose job runs for ten minutes, the node it runs on, and the job's pid. */
  private record LongJob(long chain, String host, long pid) {}

  /** The job dies (a few seconds at most) before the lease of its chain's shard, as it stands now, expires. */
  private void assertDiesBeforeTheLeaseCanExpire(LongJob job) {
    Instant until = db.shardLeaseUntil(job.chain());
    await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> !OsProcesses.isRunning(job.pid()));
    Instant dead = Instant.now();
    assertTrue(dead.isBefore(until), "the job died at " + dead + ", before the lease could expire at " + until);
  }

  /** Starts a chain whose job runs for ten minutes on whichever node hosts it. */
  private LongJob longJob() throws Exception {
    long chain = db.chain("long job", 1, "@every 1h", 0);
    db.job(chain, "sleep.sh 600", 1, "1h");
    db.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", chain);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        !db.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).isEmpty());
    db.update("UPDATE jobchain_table SET timestr = '@every 1h' WHERE id = ?", chain);
    Map<String, Object> row = db.rows("SELECT pid, node FROM job_run WHERE chain_id = ?", chain).get(0);
    long pid = ((Number) row.get("pid")).longValue();
    assertTrue(OsProcesses.isRunning(pid));
    // two renewals of the shard's lease since then: its host has told its companion the deadline
    Instant renewed = Instant.now().plus(TTL.dividedBy(5).multipliedBy(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(renewed));
    return new LongJob(chain, (String) row.get("node"), pid);
  }
}
