package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node hosting a chain journals a run a second ahead of its fire, then dies or freezes before
 * the instant: that run is not its run. The chain's next host runs the fire as one MISFIRE catch-up
 * under its own name, and no chain_run or job_run row names the dead or frozen node at a time it
 * was not running.
 */
@RunsAlone
class LedgerTruthIT {
  private static final Duration TTL = Duration.ofSeconds(3);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");
  NodeProcess a;
  String host;
  String other;
  long chain;

  /** Two nodes, and a chain firing every 20 seconds; {@code a} is the node that hosts it. */
  @BeforeEach
  void setUp() throws Exception {
    Map<String, NodeProcess> nodes = db.startNamedTogether("node-a", "node-b");
    db.awaitShardsSpread("node-a", "node-b");
    // every 20 s from about 6 s from now (an "@every 20s" would first fire up to 20 s from now): the
    // first fire is journaled ahead on its host, and the next one comes after the takeover
    int second = (LocalTime.now(ZoneOffset.UTC).getSecond() + 6) % 20;
    chain = db.chainOfOneJob("every 20 s", second + "/20 * * * * ?", "ok.sh");
    host = (String) db.one("SELECT lease_holder FROM baton_lease WHERE lease_name = ?", NodeFixture.shardLease(chain));
    a = nodes.get(host);
    other = host.equals("node-a") ? "node-b" : "node-a";
  }

  @Test
  void aFireJournaledByAHostKilledBeforeItIsOneMisfireRunOfTheNextHost() throws Exception {
    NodeProcess.Journaled ahead = a.awaitJournaledAhead(chain);
    a.kill();
    Instant killed = Instant.now();
    assertTrue(killed.isBefore(ahead.fire()), "killed before the fire: " + killed + " < " + ahead.fire());

    Map<String, Object> run = awaitRunOf(ahead.fire());
    assertEquals("MISFIRE", run.get("trigger_type"), run.toString());
    assertEquals(other, run.get("node"), run.toString());
    assertTrue(startOf(run).isAfter(killed), "it began after the kill, on the other node: " + run);
    assertNothingBy(host, killed);
    assertEquals(List.of(), db.rows("SELECT run_id FROM chain_run WHERE run_id = ?", ahead.runId()),
        "the withdrawn run has no row");
    assertFalse(db.rows("SELECT msg FROM schedulerMessage WHERE run_id = ? AND msg LIKE '%RECOVERY%withdrawn%'",
        ahead.runId()).isEmpty(), "a message says the run was withdrawn");
    db.assertNoFireTwice(chain);
  }

  @Test
  void aFireJournaledByAHostFrozenBeforeItIsOneMisfireRunOfTheNextHost() throws Exception {
    NodeProcess.Journaled ahead = a.awaitJournaledAhead(chain);
    a.pause();
    Instant paused = Instant.now();
    assertTrue(paused.isBefore(ahead.fire()), "frozen before the fire");
    Map<String, Object> run = awaitRunOf(ahead.fire());
    a.resume();
    // it learns it was downed and starts a new node in its place
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> a.log().contains("starting it again to join the cluster anew"));
    Instant restarting = Instant.now();
    int after = db.runs(chain).size();
    db.awaitRuns(chain, runs -> runs.size() >= after + 1); // the frozen node's wake-up changed nothing

    assertEquals("MISFIRE", run.get("trigger_type"), run.toString());
    assertEquals(other, run.get("node"), run.toString());
    assertNothingBy(host, paused, restarting);
    db.assertNoFireTwice(chain);
    assertTrue(a.alive());
  }

  private void assertNothingBy(String node, Instant since) throws Exception {
    assertNothingBy(node, since, Instant.now());
  }

  /** No run or process is credited to the node between its stop and {@code until}. */
  private void assertNothingBy(String node, Instant since, Instant until) throws Exception {
    LocalDateTime t = LocalDateTime.ofInstant(since, ZoneOffset.UTC);
    LocalDateTime u = LocalDateTime.ofInstant(until, ZoneOffset.UTC);
    assertEquals(List.of(), db.rows("SELECT run_id, start_time FROM chain_run WHERE node = ? AND start_time"
        + " BETWEEN ? AND ?", node, t, u), "no run is credited to " + node + " after it stopped");
    assertEquals(List.of(), db.rows("SELECT run_id, start_time FROM job_run WHERE node = ? AND start_time"
        + " BETWEEN ? AND ?", node, t, u), "no process is credited to " + node + " after it stopped");
  }

  private Map<String, Object> awaitRunOf(Instant fire) {
    return db.awaitRow("SELECT * FROM chain_run WHERE chain_id = ? AND scheduled_time = ?", chain,
        LocalDateTime.ofInstant(fire, ZoneOffset.UTC));
  }

  private static Instant startOf(Map<String, Object> run) {
    return ((LocalDateTime) run.get("start_time")).toInstant(ZoneOffset.UTC);
  }
}
