package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Validation, hot reload and the heartbeat, on one real node against MariaDB. */
class ChainCatalogIT {
  @RegisterExtension static final NodeFixture node = NodeFixture.onMariaDb().started();

  @Test
  void aTimestrThatDoesNotParseHoldsTheChainWithOneMessageAndFixingItReleasesIt() throws Exception {
    long broken = node.chainOfOneJob("bad timestr", "every now and then", "ok.sh");
    long healthy = node.chainOfOneJob("healthy neighbour", "@every 1s", "ok.sh");
    assertEquals("SUCCESS", node.firstFinishedRun(healthy).get("status"), "the other chains run");
    await().atMost(Duration.ofSeconds(10)).until(() -> !node.messages("chain " + broken + " ").isEmpty());
    // several polls later there is still one message, and no run
    node.awaitRuns(healthy, runs -> runs.size() >= 3);
    // (a poll between the chain's insert and its job's may also have found it without jobs)
    List<Map<String, Object>> held = node.messages("chain " + broken + " ").stream()
        .filter(m -> !m.get("msg").toString().contains("no jobs")).toList();
    assertEquals(1, held.size(), held.toString());
    assertTrue(held.get(0).get("msg").toString().contains("every now and then"));
    assertEquals(null, held.get(0).get("run_id"));
    assertTrue(node.runs(broken).isEmpty());

    node.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", broken);
    assertEquals("SUCCESS", node.firstFinishedRun(broken).get("status"));
  }

  @Test
  void aChainIsHeldWhileItsStepsDoNotMatchTotalStpesOrItsRowsAreBroken() throws Exception {
    long halfMade = node.chain("half made", 2, "@every 1s", 0);
    node.job(halfMade, "ok.sh", 1, "30");
    long noJobs = node.chain("no jobs", 1, "@every 1s", 0);
    long badOttime = node.chain("bad ottime", 1, "@every 1s", 0);
    node.job(badOttime, "ok.sh", 1, "soon");
    long emptyCommand = node.chainOfOneJob("empty command", "@every 1s", "");
    // the chains are inserted row by row, so a chain may be held for more than one reason on the way
    await().atMost(Duration.ofSeconds(10)).until(() ->
        held(halfMade, "total_stpes is 2 but its jobs have 1 distinct step_lvl")
            && held(noJobs, "it has no jobs") && held(badOttime, "ottime 'soon' cannot be used (timeout 'soon' is not a duration")
            && held(emptyCommand, "has an empty command"));
    // a second level arriving completes the chain: it is released
    node.job(halfMade, "ok.sh", 2, "30");
    assertEquals("SUCCESS", node.firstFinishedRun(halfMade).get("status"));
    assertTrue(node.runs(noJobs).isEmpty() && node.runs(badOttime).isEmpty() && node.runs(emptyCommand).isEmpty());
  }

  @Test
  void aDurationAboveItsBoundHoldsTheChainAndFixingTheRowReleasesIt() throws Exception {
    long depWindow = node.chain("dep_ot of two years", 1, "@every 1s", 999999);
    node.job(depWindow, "ok.sh", 1, "30");
    long seconds = node.chain("ottime in seconds", 1, "@every 1s", 0);
    long secondsJob = node.job(seconds, "ok.sh", 1, "99999999");
    long iso = node.chain("ottime of a year", 1, "@every 1s", 0);
    long isoJob = node.job(iso, "ok.sh", 1, "P365D");
    long check = node.chain("check ottime past the timer limit", 1, "@every 1s", 0);
    long dependency = node.dependency(check, "pass.sh", 21474837);
    node.job(check, "ok.sh", 1, "30");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        held(depWindow, "dep_ot 999999 (minutes) is more than the longest allowed (43200 minutes, 30 days)")
            && held(seconds, "ottime '99999999' cannot be used (timeout '99999999' is 99999999 s (1157 days and more)")
            && held(iso, "ottime 'P365D' cannot be used (timeout 'P365D' is 365 days")
            && held(check, "dependency " + dependency + ": ottime 21474837 (seconds) is 21474837 s (248 days and more)"));
    assertTrue(node.runs(depWindow).isEmpty() && node.runs(seconds).isEmpty() && node.runs(iso).isEmpty()
        && node.runs(check).isEmpty(), "nothing ran");

    node.update("UPDATE jobchain_table SET dep_ot = 5 WHERE id = ?", depWindow);
    node.update("UPDATE jobtable SET ottime = '30' WHERE id = ?", secondsJob);
    node.update("UPDATE jobtable SET ottime = 'P1D' WHERE id = ?", isoJob);
    node.update("UPDATE deptable SET ottime = 60 WHERE id = ?", dependency);
    for (long chain : List.of(depWindow, seconds, iso, check)) {
      assertEquals("SUCCESS", node.firstFinishedRun(chain).get("status"), "chain " + chain + " released");
    }
  }

  @Test
  void rowsThatCannotBeReadOrScheduledHoldTheirChainAndFixingThemReleasesIt() throws Exception {
    // cron-utils cannot compute the nearest weekday to a 31st from a month of 30 days; April never
    // has one, so this chain is held whatever the day the test runs (0 0 12 31W * ? was, in November)
    long weekday = node.chainOfOneJob("nearest weekday to the 31st of April", "0 0 12 31W 4 ?", "ok.sh");
    long tooOften = node.chainOfOneJob("every millisecond", "@every 1ms", "ok.sh");
    long halfRead = node.chainOfOneJob("a job id out of range", "@every 1h", "ok.sh");
    // last: after it, new jobtable ids are out of range too until the row is gone
    node.update("INSERT INTO jobtable (id, job_chain_id, env, command, step_lvl, ottime)"
        + " VALUES (9223372036854775808, ?, NULL, 'fail.sh', 1, '30')", halfRead);
    node.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", halfRead);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        held(halfRead, "jobtable row id=9223372036854775808 cannot be read")
            && held(weekday, "timestr '0 0 12 31W 4 ?'")
            && held(tooOften, "fires more often than every 10 ms"));
    assertTrue(node.runs(halfRead).isEmpty() && node.runs(weekday).isEmpty() && node.runs(tooOften).isEmpty(),
        "none ran half-made or without a schedule");

    node.update("DELETE FROM jobtable WHERE job_chain_id = ? AND command = 'fail.sh'", halfRead);
    node.update("ALTER TABLE jobtable AUTO_INCREMENT = 1"); // back below 2^63 for the other tests' rows
    node.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id IN (?, ?)", weekday, tooOften);
    for (long chain : List.of(halfRead, weekday, tooOften)) {
      assertEquals("SUCCESS", node.firstFinishedRun(chain).get("status"), "chain " + chain + " released");
    }
  }

  @Test
  void insertsUpdatesDeletesAndSwitchTakeEffectWithoutRestart() throws Exception {
    long chain = node.chainOfOneJob("reloaded", "0 0 1 1 *", "ok.sh"); // once a year: armed, not firing
    node.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", chain);
    node.firstFinishedRun(chain);

    node.update("UPDATE jobchain_table SET switch = 'off' WHERE id = ?", chain);
    int afterOff = settledRunCount(chain);
    assertEquals(afterOff, settledRunCount(chain), "a chain switched OFF fires no more");

    node.update("UPDATE jobchain_table SET switch = 'On' WHERE id = ?", chain);
    node.awaitRuns(chain, runs -> runs.size() > afterOff + 1);

    node.update("DELETE FROM jobchain_table WHERE id = ?", chain);
    int afterDelete = settledRunCount(chain);
    assertEquals(afterDelete, settledRunCount(chain), "a deleted chain fires no more");
  }

  @Test
  void theHeartbeatRowIsKeptFresh() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> node.rows(
        "SELECT * FROM realtime_status WHERE name = 'it-node' AND pid_index = ?", ProcessHandle.current().pid()).size() == 1);
    Object first = node.rows("SELECT index_last_ping_time FROM realtime_status WHERE name = 'it-node'").get(0)
        .get("index_last_ping_time");
    await().atMost(Duration.ofSeconds(10)).until(() -> !first.equals(node.rows(
        "SELECT index_last_ping_time FROM realtime_status WHERE name = 'it-node'").get(0).get("index_last_ping_time")));
    Map<String, Object> row = node.rows("SELECT * FROM realtime_status WHERE name = 'it-node'").get(0);
    assertEquals("info", row.get("debugmode"));
  }

  private static boolean held(long chain, String reason) throws Exception {
    return node.messages("chain " + chain + " ").stream()
        .anyMatch(m -> m.get("msg").toString().contains("is held") && m.get("msg").toString().contains(reason));
  }

  /** The run count once no run is active and a couple of seconds passed without a new one. */
  private static int settledRunCount(long chain) {
    int[] seen = {-1};
    long[] since = {System.nanoTime()};
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<Map<String, Object>> runs = node.runs(chain);
      if (runs.size() != seen[0] || runs.stream().anyMatch(r -> !NodeFixture.finished(r))) {
        seen[0] = runs.size();
        since[0] = System.nanoTime();
        return false;
      }
      return System.nanoTime() - since[0] > Duration.ofSeconds(3).toNanos();
    });
    return seen[0];
  }
}
