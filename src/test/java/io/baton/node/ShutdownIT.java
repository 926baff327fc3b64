package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SIGTERM's path: no new fires, running jobs get the grace, then are killed and recorded. */
@RunsAlone
class ShutdownIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb();

  @Test
  void jobsStillRunningAfterTheGraceAreKilledAndRecordedInterrupted() throws Exception {
    node.with("baton.shutdown-grace", "1s").start();
    long chain = node.chain("long job", 1, "@every 1s", 0);
    long job = node.job(chain, "sleep.sh 600", 1, "1h");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        node.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).size() == 1);
    long pid = ((Number) node.rows("SELECT pid FROM job_run WHERE chain_id = ?", chain).get(0).get("pid")).longValue();

    node.stop();

    assertTrue(!io.baton.exec.OsProcesses.isRunning(pid), "the job process is gone");
    List<Map<String, Object>> runs = node.runs(chain);
    assertEquals(1, runs.size(), "no fire after the stop began");
    assertEquals("INTERRUPTED", runs.get(0).get("status"));
    Map<String, Object> row = node.rows("SELECT * FROM job_run WHERE chain_id = ? AND ref_id = ?", chain, job).get(0);
    assertEquals("INTERRUPTED", row.get("status"));
    assertEquals("INTERRUPTED",
        node.rows("SELECT status FROM jobchain_lst_run WHERE jobchain_id = ?", chain).get(0).get("status"));
  }

  @Test
  void theNextStartResumesTheInterruptedRun() throws Exception {
    node.with("baton.shutdown-grace", "1s").start();
    node.script("jobs", "long_first_time.sh", "if [ \"$BATON_ATTEMPT\" = 1 ]; then sleep 600; fi");
    long chain = node.chain("resumed", 1, "@every 1h", 0);
    long job = node.job(chain, "long_first_time.sh", 1, "1h");
    node.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", chain);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        node.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).size() == 1);
    node.update("UPDATE jobchain_table SET timestr = '@every 1h' WHERE id = ?", chain);
    node.stop();
    assertEquals("INTERRUPTED", node.runs(chain).get(0).get("status"));

    node.start();

    Map<String, Object> run = node.awaitRuns(chain, runs -> "SUCCESS".equals(runs.get(0).get("status"))).get(0);
    assertEquals(1, node.runs(chain).size(), "the same run went on; no new one");
    assertEquals(List.of(Map.of("attempt", 1, "status", "INTERRUPTED"), Map.of("attempt", 2, "status", "SUCCESS")),
        node.rows("SELECT attempt, status FROM job_run WHERE ref_id = ? ORDER BY attempt", job));
    assertEquals(1, node.rows("SELECT msg FROM schedulerMessage WHERE run_id = ? AND msg LIKE '%RECOVERY%'",
        run.get("run_id")).size());
  }

  @Test
  void aJobThatEndsWithinTheGraceIsRecordedNormally() throws Exception {
    node.with("baton.shutdown-grace", "20s").start();
    long chain = node.chain("short job", 1, "@every 1s", 0);
    node.job(chain, "sleep.sh 2", 1, "1h");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        node.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).size() == 1);

    node.stop();

    List<Map<String, Object>> runs = node.runs(chain);
    assertEquals(1, runs.size());
    assertEquals("SUCCESS", runs.get(0).get("status"));
  }

  @Test
  void sigtermEndsTheProcessWithExitCodeZeroOnceTheStopCompleted() throws Exception {
    long chain = node.chain("short job", 1, "@every 1s", 0);
    node.job(chain, "sleep.sh 1", 1, "1h");
    NodeProcess process = node.startProcess("node", Map.of("baton.shutdown-grace", "20s"));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        node.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).size() >= 1);

    assertEquals(0, process.terminate(), "a service manager reads any other code as a failure:\n" + process.log());
    assertTrue(process.log().contains("stopped"), process.log());
    assertTrue(node.runs(chain).stream().allMatch(NodeFixture::finished), "its run ended before the exit");
  }
}
