package io.baton.db;

import static io.baton.db.DbTestSupport.count;
import static io.baton.db.DbTestSupport.exec;
import static io.baton.db.DbTestSupport.insertChain;
import static io.baton.db.DbTestSupport.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.baton.db.RunRecord.DependenciesPassed;
import io.baton.db.RunRecord.Message;
import io.baton.db.RunRecord.ProcessFinished;
import io.baton.db.RunRecord.ProcessStarted;
import io.baton.db.RunRecord.RunFinished;
import io.baton.db.RunRecord.RunStarted;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RunRepository (run read model), run on H2 and on MariaDB by the subclasses. */
abstract class RunContract extends FreshDatabase {
  /**
   * Microseconds survive DATETIME(6). The original TIMESTAMP columns keep whole seconds on
   * MariaDB (H2 keeps more), so they are compared at seconds.
   */
  static final Instant T0 = Instant.parse("2026-06-15T10:30:00.123456Z");
  static final Instant T0_SECONDS = Instant.parse("2026-06-15T10:30:00Z");

  protected RunRepository runs;
  protected long chain;

  RunContract(Kind kind) {
    super(kind);
  }

  @BeforeEach
  void openRepository() {
    runs = new RunRepository(ds);
    chain = insertChain(ds, "c", 1, "@hourly", 0, "ON", 1, 0);
  }

  @Test
  void aRunWithoutDependenciesIsRecordedPassedAsItStarts() {
    runs.apply(List.of(new RunStarted(6, chain, "SCHEDULE", T0, T0, "n", 1L, T0)));
    assertEquals(T0, chainRun(6).depPass);
    assertEquals(T0.truncatedTo(ChronoUnit.SECONDS), lastRun(chain).depPass); // original TIMESTAMP: whole seconds
  }

  @Test
  void aWholeRunIsRecordedInBothModels() {
    runs.runStarted(7, chain, "SCHEDULE", T0.minusMillis(500), T0, "node-a", 3L);
    runs.processStarted(7, chain, "DEP", 11, null, 1, T0.plusSeconds(1), 901, "/l/d1", "node-a",
        3L);
    runs.processFinished(7, "DEP", 11, 1, T0.plusSeconds(2), 0, "PASSED");
    runs.dependenciesPassed(7, chain, T0.plusSeconds(2));
    runs.processStarted(7, chain, "JOB", 21, 1, 1, T0.plusSeconds(3), 902, "/l/j1", "node-a", 3L);
    runs.processFinished(7, "JOB", 21, 1, T0.plusSeconds(4), 0, "SUCCESS");
    runs.runFinished(7, chain, T0.plusSeconds(5), "SUCCESS");

    ChainRunRow r = chainRun(7);
    assertEquals(chain, r.chainId);
    assertEquals("SCHEDULE", r.trigger);
    assertEquals(T0.minusMillis(500), r.scheduled);
    assertEquals(T0, r.start);
    assertEquals(T0.plusSeconds(2), r.depPass);
    assertEquals(T0.plusSeconds(5), r.end);
    assertEquals("SUCCESS", r.status);
    assertEquals("node-a", r.node);
    assertEquals(3L, r.epoch);

    assertEquals(2, count(ds, "SELECT COUNT(*) FROM job_run WHERE run_id = 7"));
    assertEquals("SUCCESS", one(ds, "SELECT status FROM job_run WHERE run_id = 7 AND kind = 'JOB'"));
    assertEquals(0, count(ds, "SELECT exit_code FROM job_run WHERE run_id = 7 AND kind = 'JOB'"));
    assertNull(one(ds, "SELECT step_lvl FROM job_run WHERE run_id = 7 AND kind = 'DEP'"));
    assertEquals("/l/j1", one(ds, "SELECT log_path FROM job_run WHERE ref_id = 21"));

    LastRunRow last = lastRun(chain);
    assertEquals(T0_SECONDS, last.start);
    assertEquals(T0_SECONDS.plusSeconds(5), last.end);
    assertEquals(T0_SECONDS.plusSeconds(2), last.depPass);
    assertEquals("SUCCESS", last.status);
    assertEquals(902, last.pid);
  }

  @Test
  void runStartedTwiceIsOneRowAndOneLastRunRow() {
    runs.runStarted(8, chain, "MANUAL", null, T0, "n", null);
    runs.runStarted(8, chain, "MANUAL", null, T0, "n", null);
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM chain_run"));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM jobchain_lst_run WHERE jobchain_id = ?", chain));
    LastRunRow last = lastRun(chain);
    assertEquals("RUNNING...", last.status);
    assertNull(last.end);
    assertEquals("RUNNING", chainRun(8).status);
  }

  @Test
  void theRowLeftByTheOriginalSchedulerIsReusedNotDuplicated() {
    exec(ds, "INSERT INTO jobchain_lst_run (jobchain_id, last_run_start, last_run_end, pid, status,"
        + " dep_pass_ts) VALUES (" + chain + ", '2020-01-01 00:00:00', '2020-01-01 00:01:00',"
        + " 123, 'SUCCESS', '2020-01-01 00:00:10')");
    runs.runStarted(9, chain, "SCHEDULE", T0, T0, "n", null);
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM jobchain_lst_run WHERE jobchain_id = ?", chain));
    LastRunRow last = lastRun(chain);
    assertEquals(T0_SECONDS, last.start);
    assertNull(last.end);
    assertNull(last.depPass);
    assertNull(last.pid);
    assertEquals("RUNNING...", last.status);
  }

  @Test
  void anOlderRunNeverOverwritesTheLastRunOfANewerOne() {
    runs.runStarted(1, chain, "SCHEDULE", T0, T0, "n", null);
    runs.runStarted(2, chain, "MANUAL", null, T0.plusSeconds(60), "n", null);
    runs.processStarted(1, chain, "JOB", 5, 1, 1, T0.plusSeconds(61), 4242, "/l", "n", null);
    runs.runFinished(1, chain, T0.plusSeconds(62), "FAILED");
    runs.runStarted(1, chain, "SCHEDULE", T0, T0, "n", null); // a late replay

    LastRunRow last = lastRun(chain);
    assertEquals(T0_SECONDS.plusSeconds(60), last.start);
    assertEquals("RUNNING...", last.status);
    assertNull(last.end);
    assertNull(last.pid);
    assertEquals("FAILED", chainRun(1).status);
    assertEquals("RUNNING", chainRun(2).status);
  }

  @Test
  void replayingAFinishedRunDoesNotReopenIt() {
    List<RunRecord> all = List.of(
        new RunStarted(3, chain, "SCHEDULE", T0, T0, "n", 1L, null),
        new DependenciesPassed(3, chain, T0.plusSeconds(1)),
        new ProcessStarted(3, chain, "JOB", 5, 1, 1, T0.plusSeconds(2), 77, "/l", "n", 1L),
        new ProcessFinished(3, "JOB", 5, 1, T0.plusSeconds(3), 3, "FAILED"),
        new Message(3L, "chain " + chain + " run 3 FAILED: job 5 exit 3"),
        new RunFinished(3, chain, T0.plusSeconds(4), "FAILED"));
    runs.apply(all);
    runs.apply(all);
    runs.apply(all.subList(0, 3));

    assertEquals("FAILED", chainRun(3).status);
    assertEquals(T0.plusSeconds(4), chainRun(3).end);
    assertEquals("FAILED", one(ds, "SELECT status FROM job_run WHERE run_id = 3"));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM job_run"));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM schedulerMessage WHERE run_id = 3"));
    LastRunRow last = lastRun(chain);
    assertEquals("FAILED", last.status);
    assertEquals(T0_SECONDS.plusSeconds(4), last.end);
    assertEquals(77, last.pid);
  }

  /** A restarted chain names its ended run's fires again only if the run's end never reached chain_run. */
  @Test
  void aMessageWrittenAgainIsWrittenOnlyForARunNotShownEnded() {
    String missed = "chain " + chain + ": MISFIRE: 2 fire(s) missed";
    runs.apply(List.of(new RunStarted(6, chain, "MISFIRE", T0, T0, "n", 1L, null),
        new RunRecord.MessageAgain(6, missed), new RunFinished(6, chain, T0.plusSeconds(4), "SUCCESS")));
    runs.apply(List.of(new RunStarted(6, chain, "MISFIRE", T0, T0, "n", 1L, null),
        new RunRecord.MessageAgain(6, missed + ", again"), new RunFinished(6, chain, T0.plusSeconds(4), "SUCCESS")));

    assertEquals(missed, one(ds, "SELECT msg FROM schedulerMessage WHERE run_id = 6"));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM schedulerMessage WHERE run_id = 6"));
  }

  @Test
  void dependencyChecksAreOneRowPerCheckAndDoNotTouchThePid() {
    runs.runStarted(4, chain, "SCHEDULE", T0, T0, "n", null);
    for (int check = 1; check <= 3; check++) {
      runs.processStarted(4, chain, "DEP", 9, null, check, T0.plusSeconds(check * 30L), 500 + check,
          "/l/" + check, "n", null);
      runs.processFinished(4, "DEP", 9, check, T0.plusSeconds(check * 30L + 1), check == 3 ? 0 : 1,
          check == 3 ? "PASSED" : "NOT_YET");
    }
    assertEquals(3, count(ds, "SELECT COUNT(*) FROM job_run WHERE run_id = 4 AND kind = 'DEP'"));
    assertNull(lastRun(chain).pid);
  }

  @Test
  void longMessagesKeepTheirHeadAndTail() {
    String head = "chain 1 run 5 FAILED: job 2 exit 1; last lines:\n";
    String tail = "\nTraceback: the very last line";
    String msg = head + "x".repeat(20_000) + tail;
    new MessageRepository(ds).message(5L, msg);
    runs.message(null, "chain 9: timestr 'every now' does not parse");
    String stored = (String) one(ds, "SELECT msg FROM schedulerMessage WHERE run_id = 5");
    assertEquals(MessageRepository.MAX_LENGTH, stored.length());
    assertEquals(head, stored.substring(0, head.length()));
    assertEquals(tail, stored.substring(stored.length() - tail.length()));
    assertEquals(1, count(ds, "SELECT COUNT(*) FROM schedulerMessage WHERE run_id IS NULL"));
  }

  /**
   * Two nodes write the outcomes of different chains at once: neither waits for the other's
   * transaction (a write of one chain's last run once locked every chain's row until it committed).
   */
  @Test
  void theOutcomesOfTwoChainsAreWrittenAtOnceWithoutWaitingForEachOther() throws Exception {
    long other = insertChain(ds, "other", 1, "@hourly", 0, "ON", 1, 0);
    runs.apply(List.of(new RunStarted(31, chain, "SCHEDULE", T0, T0, "node-a", 1L, T0),
        new RunStarted(32, other, "SCHEDULE", T0, T0, "node-b", 1L, T0)));
    try (Connection nodeA = ds.getConnection()) {
      nodeA.setAutoCommit(false);
      RunSql.runsFinished(nodeA, List.of(new RunFinished(31, chain, T0.plusSeconds(1), "SUCCESS")));
      // node-a's batch is still open while node-b writes its own
      CompletableFuture<Void> nodeB = CompletableFuture.runAsync(
          () -> runs.apply(List.of(new RunFinished(32, other, T0.plusSeconds(2), "FAILED"))));
      try {
        nodeB.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail("node-b's outcome waited for node-a's open transaction");
      }
      nodeA.commit();
    }
    assertEquals("SUCCESS", lastRun(chain).status);
    assertEquals("FAILED", lastRun(other).status);
  }

  @Test
  void nonAsciiMessagesAreStored() {
    runs.message(6L, "exit 1 — ünïcödé ✓");
    assertEquals("exit 1 — ünïcödé ✓",
        one(ds, "SELECT msg FROM schedulerMessage WHERE run_id = 6"));
  }

  record ChainRunRow(long chainId, String trigger, Instant scheduled, Instant start,
      Instant depPass, Instant end, String status, String node, Long epoch) {}

  record LastRunRow(Instant start, Instant end, Instant depPass, String status, Integer pid) {}

  static Instant seconds(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
  }

  ChainRunRow chainRun(long runId) {
    return TestSql.of(ds).query("SELECT * FROM chain_run WHERE run_id = ?", rs -> {
      rs.next();
      return new ChainRunRow(rs.getLong("chain_id"), rs.getString("trigger_type"),
          Jdbc.getUtc(rs, "scheduled_time"), Jdbc.getUtc(rs, "start_time"),
          Jdbc.getUtc(rs, "dep_pass_ts"), Jdbc.getUtc(rs, "end_time"), rs.getString("status"),
          rs.getString("node"), rs.getObject("epoch") == null ? null : rs.getLong("epoch"));
    }, runId);
  }

  LastRunRow lastRun(long chainId) {
    return TestSql.of(ds).query("SELECT * FROM jobchain_lst_run WHERE jobchain_id = ?", rs -> {
      rs.next();
      return new LastRunRow(seconds(Jdbc.getTimestamp(rs, "last_run_start")),
          seconds(Jdbc.getTimestamp(rs, "last_run_end")),
          seconds(Jdbc.getTimestamp(rs, "dep_pass_ts")),
          rs.getString("status"), rs.getObject("pid") == null ? null : rs.getInt("pid"));
    }, chainId);
  }
}
