package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM's path: no new fires, running jobs get the grace, then are killed and recorded. */
class ShutdownIT {
  @TempDir Path home;

  @Test
  void jobsStillRunningAfterTheGraceAreKilledAndRecordedInterrupted() throws Exception {
    try (TestNode node = TestNode.onMariaDb(home).with("baton.shutdown-grace", "1s").start()) {
      long chain = node.chain("long job", 1, "@every 1s", 0);
      long job = node.job(chain, "sleep.sh 600", 1, "1h");
      await().atMost(Duration.ofSeconds(20)).until(() ->
          node.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).size() == 1);
      long pid = ((Number) node.rows("SELECT pid FROM job_run WHERE chain_id = ?", chain).get(0).get("pid")).longValue();

      node.stop();

      assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the job process is gone");
      List<Map<String, Object>> runs = node.runs(chain);
      assertEquals(1, runs.size(), "no fire after the stop began");
      assertEquals("INTERRUPTED", runs.get(0).get("status"));
      Map<String, Object> row = node.rows("SELECT * FROM job_run WHERE chain_id = ? AND ref_id = ?", chain, job).get(0);
      assertEquals("INTERRUPTED", row.get("status"));
      assertEquals("INTERRUPTED",
          node.rows("SELECT status FROM jobchain_lst_run WHERE jobchain_id = ?", chain).get(0).get("status"));
    }
  }

  @Test
  void aJobThatEndsWithinTheGraceIsRecordedNormally() throws Exception {
    try (TestNode node = TestNode.onMariaDb(home).with("baton.shutdown-grace", "20s").start()) {
      long chain = node.chain("short job", 1, "@every 1s", 0);
      node.job(chain, "sleep.sh 2", 1, "1h");
      await().atMost(Duration.ofSeconds(20)).until(() ->
          node.rows("SELECT pid FROM job_run WHERE chain_id = ? AND kind = 'JOB'", chain).size() == 1);

      node.stop();

      List<Map<String, Object>> runs = node.runs(chain);
      assertEquals(1, runs.size());
      assertEquals("SUCCESS", runs.get(0).get("status"));
    }
  }
}
