package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SPEC 3 step by step, on one real node against MariaDB, with real processes. */
class RunLifecycleIT {
  @RegisterExtension static final NodeFixture node = NodeFixture.onMariaDb().started();

  @Test
  void levelsRunInOrderWithTheJobsOfALevelInParallel() throws Exception {
    long chain = node.chain("levels", 2, "@every 1s", 0);
    long a = node.job(chain, "sleep.sh 1", 1, "30");
    long b = node.job(chain, "sleep.sh 1", 1, "30");
    long c = node.job(chain, "ok.sh", 2, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("SUCCESS", run.get("status"));
    assertEquals("SCHEDULE", run.get("trigger_type"));
    assertNotNull(run.get("dep_pass_ts"), "a chain without dependencies passes them at once");
    List<Map<String, Object>> jobs = jobRuns(run);
    assertEquals(3, jobs.size());
    Map<String, Object> jobA = byRef(jobs, a), jobB = byRef(jobs, b), jobC = byRef(jobs, c);
    jobs.forEach(j -> assertEquals("SUCCESS", j.get("status")));
    assertTrue(before(jobA.get("start_time"), jobB.get("end_time")) && before(jobB.get("start_time"), jobA.get("end_time")),
        "the two jobs of level 1 ran at the same time");
    assertTrue(!before(jobC.get("start_time"), jobA.get("end_time")) && !before(jobC.get("start_time"), jobB.get("end_time")),
        "level 2 started after every job of level 1 ended");
    Map<String, Object> last = node.rows("SELECT * FROM jobchain_lst_run WHERE jobchain_id = ?", chain).get(0);
    assertNotNull(last.get("last_run_start"));
  }

  @Test
  void aFailedJobFailsTheRunLetsItsLevelFinishAndStartsNoLaterLevel() throws Exception {
    long chain = node.chain("fails", 2, "@every 1s", 0);
    long failing = node.job(chain, "fail.sh", 1, "30");
    long sibling = node.job(chain, "sleep.sh 1", 1, "30");
    long later = node.job(chain, "ok.sh", 2, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("FAILED", run.get("status"));
    List<Map<String, Object>> jobs = jobRuns(run);
    assertEquals("FAILED", byRef(jobs, failing).get("status"));
    assertEquals(3, ((Number) byRef(jobs, failing).get("exit_code")).intValue());
    assertEquals("SUCCESS", byRef(jobs, sibling).get("status"), "a job of the same level is let finish");
    assertTrue(jobs.stream().noneMatch(j -> ((Number) j.get("ref_id")).longValue() == later), "level 2 never starts");
    String msg = messageOf(run);
    assertTrue(msg.contains("chain " + chain) && msg.contains("job " + failing) && msg.contains("FAILED")
        && msg.contains("exit code 3") && msg.contains("table orders is locked"), msg);
  }

  @Test
  void aJobPastItsOttimeIsKilledAndTheRunEndsTimeout() throws Exception {
    long chain = node.chain("times out", 1, "@every 1s", 0);
    long job = node.job(chain, "sleep.sh 60", 1, "1s");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("TIMEOUT", run.get("status"));
    Map<String, Object> row = byRef(jobRuns(run), job);
    assertEquals("TIMEOUT", row.get("status"));
    assertEquals(143, ((Number) row.get("exit_code")).intValue(), "SIGTERM ended it");
    assertTrue(messageOf(run).contains("TIMEOUT"));
  }

  @Test
  void aDependencyThatPassesOnItsSecondCheckLetsTheRunGoOn() throws Exception {
    long chain = node.chain("waits", 1, "@every 1s", 1);
    long dep = node.dependency(chain, "second.sh", 10);
    node.job(chain, "ok.sh", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("SUCCESS", run.get("status"));
    assertNotNull(run.get("dep_pass_ts"));
    List<Map<String, Object>> checks = node.rows(
        "SELECT * FROM job_run WHERE run_id = ? AND kind = 'DEP' ORDER BY attempt", run.get("run_id"));
    assertEquals(2, checks.size());
    assertEquals(dep, ((Number) checks.get(0).get("ref_id")).longValue());
    assertEquals(1, ((Number) checks.get(0).get("exit_code")).intValue());
    assertEquals(0, ((Number) checks.get(1).get("exit_code")).intValue());
    Map<String, Object> job = jobRuns(run).stream().filter(j -> "JOB".equals(j.get("kind"))).findFirst().orElseThrow();
    assertTrue(before(checks.get(1).get("end_time"), job.get("start_time")),
        "the job started after the dependency passed");
  }

  @Test
  void aDependencyThatNeverPassesEndsTheRunDepTimeoutAfterDepOt() throws Exception {
    long chain = node.chain("never", 1, "@every 1s", 0.03); // 1.8 s window
    node.dependency(chain, "never.sh", 10);
    node.job(chain, "ok.sh", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("DEP_TIMEOUT", run.get("status"));
    assertTrue(jobRuns(run).stream().noneMatch(j -> "JOB".equals(j.get("kind"))), "no job ran");
    assertTrue(messageOf(run).contains("DEP_TIMEOUT"));
  }

  @Test
  void withDepOtZeroEachCheckRunsOnce() throws Exception {
    long chain = node.chain("once", 1, "@every 1s", 0);
    node.dependency(chain, "never.sh", 10);
    node.job(chain, "ok.sh", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("DEP_TIMEOUT", run.get("status"));
    assertEquals(1, jobRuns(run).size(), "one check, no job");
  }

  @Test
  void aDependencyExitingTwoIsAnError() throws Exception {
    long chain = node.chain("dep error", 1, "@every 1s", 1);
    long dep = node.dependency(chain, "broken.sh", 10);
    node.job(chain, "ok.sh", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("DEP_ERROR", run.get("status"));
    String msg = messageOf(run);
    assertTrue(msg.contains("dependency " + dep) && msg.contains("exit code 2")
        && msg.contains("upstream file is corrupt"), msg);
    Map<String, Object> last = node.rows("SELECT * FROM jobchain_lst_run WHERE jobchain_id = ?", chain).get(0);
    assertFalse(last.get("status").toString().isEmpty());
  }

  @Test
  void aFireDuringAnActiveRunIsSkippedAndReportedOnceWhenTheRunEnds() throws Exception {
    long chain = node.chainOfOneJob("overlaps", "@every 1s", "sleep.sh 3");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("SUCCESS", run.get("status"));
    List<Map<String, Object>> skips = node.rows(
        "SELECT msg FROM schedulerMessage WHERE run_id = ? AND msg LIKE '%skipped%'", run.get("run_id"));
    assertEquals(1, skips.size(), "one message for all the fires this run caused to be skipped");
    assertTrue(skips.get(0).get("msg").toString().matches("(?s).* [23] fire\\(s\\) skipped.*"),
        skips.get(0).get("msg").toString());
    List<Map<String, Object>> runs = node.runs(chain);
    for (int i = 1; i < runs.size(); i++) {
      Object previousEnd = runs.get(i - 1).get("end_time");
      assertTrue(previousEnd == null || !before(runs.get(i).get("start_time"), previousEnd), "runs never overlap");
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static List<Map<String, Object>> jobRuns(Map<String, Object> run) throws Exception {
    return node.rows("SELECT * FROM job_run WHERE run_id = ? ORDER BY start_time", run.get("run_id"));
  }

  private static Map<String, Object> byRef(List<Map<String, Object>> jobs, long ref) {
    return jobs.stream().filter(j -> ((Number) j.get("ref_id")).longValue() == ref).findFirst().orElseThrow();
  }

  private static String messageOf(Map<String, Object> run) throws Exception {
    List<Map<String, Object>> rows = node.rows("SELECT msg FROM schedulerMessage WHERE run_id = ?", run.get("run_id"));
    assertFalse(rows.isEmpty(), "a message for run " + run.get("run_id"));
    return rows.get(0).get("msg").toString();
  }

  private static boolean before(Object a, Object b) {
    return ((LocalDateTime) a).isBefore((LocalDateTime) b);
  }
}
