package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A leader journals a run a second ahead of its fire, then dies or freezes before the instant:
 * that run is not its run. The next leader runs the fire as one MISFIRE catch-up under its own
 * name, and no chain_run or job_run row names the dead or frozen leader at a time it was not running.
 */
class LedgerTruthIT {
  private static final Duration TTL = Duration.ofSeconds(3);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");
  NodeProcess a;
  long chain;

  /** node-a leads, node-b stands by, and a chain fires every ten seconds. */
  @BeforeEach
  void setUp() throws Exception {
    a = db.startLeader("node-a");
    db.startNamed("node-b");
    chain = db.chainOfOneJob("every 10 s", "@every 10s", "ok.sh");
  }

  @Test
  void aFireJournaledByALeaderKilledBeforeItIsOneMisfireRunOfTheNextLeader() throws Exception {
    NodeProcess.Journaled ahead = a.awaitJournaledAhead(chain);
    a.kill();
    Instant killed = Instant.now();
    assertTrue(killed.isBefore(ahead.fire()), "killed before the fire: " + killed + " < " + ahead.fire());

    Map<String, Object> run = awaitRunOf(ahead.fire());
    assertEquals("MISFIRE", run.get("trigger_type"), run.toString());
    assertEquals("node-b", run.get("node"), run.toString());
    assertTrue(startOf(run).isAfter(killed), "it began after the kill, on node-b: " + run);
    assertNothingBy("node-a", killed);
    assertEquals(List.of(), db.rows("SELECT run_id FROM chain_run WHERE run_id = ?", ahead.runId()),
        "the withdrawn run has no row");
    assertFalse(db.rows("SELECT msg FROM schedulerMessage WHERE run_id = ? AND msg LIKE '%RECOVERY%withdrawn%'",
        ahead.runId()).isEmpty(), "a message says the run was withdrawn");
    db.assertNoFireTwice(chain);
  }

  @Test
  void aFireJournaledByALeaderFrozenBeforeItIsOneMisfireRunOfTheNextLeader() throws Exception {
    NodeProcess.Journaled ahead = a.awaitJournaledAhead(chain);
    a.pause();
    Instant paused = Instant.now();
    assertTrue(paused.isBefore(ahead.fire()), "frozen before the fire");
    Map<String, Object> run = awaitRunOf(ahead.fire());
    a.resume();
    await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("leadership: deposed"));
    int after = db.runs(chain).size();
    db.awaitRuns(chain, runs -> runs.size() >= after + 1); // the frozen node's wake-up changed nothing

    assertEquals("MISFIRE", run.get("trigger_type"), run.toString());
    assertEquals("node-b", run.get("node"), run.toString());
    assertNothingBy("node-a", paused);
    db.assertNoFireTwice(chain);
    assertTrue(a.alive());
  }

  private void assertNothingBy(String node, Instant since) throws Exception {
    LocalDateTime t = LocalDateTime.ofInstant(since, ZoneOffset.UTC);
    assertEquals(List.of(), db.rows("SELECT run_id, start_time FROM chain_run WHERE node = ? AND start_time >= ?", node, t),
        "no run is credited to " + node + " after it stopped");
    assertEquals(List.of(), db.rows("SELECT run_id, start_time FROM job_run WHERE node = ? AND start_time >= ?", node, t),
        "no process is credited to " + node + " after it stopped");
  }

  private Map<String, Object> awaitRunOf(Instant fire) {
    return db.awaitRow("SELECT * FROM chain_run WHERE chain_id = ? AND scheduled_time = ?", chain,
        LocalDateTime.ofInstant(fire, ZoneOffset.UTC));
  }

  private static Instant startOf(Map<String, Object> run) {
    return ((LocalDateTime) run.get("start_time")).toInstant(ZoneOffset.UTC);
  }
}
