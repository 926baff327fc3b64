package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A process that ran is never invisible: a job starts at its fire while the database is away, so
 * its start cannot be journaled, and the node is killed. The next start counts that execution as
 * attempt 1 (job_run names it) and runs the job again as attempt 2.
 */
@RunsAlone
class AttemptsIT {
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", "30s");

  @BeforeEach
  void setUp() throws Exception {
    // the first attempt records itself and stays; a later one records itself and ends
    db.script("jobs", "record.sh", "echo \"$BATON_ATTEMPT\" >> ../attempts.txt\n"
        + "if [ \"$BATON_ATTEMPT\" = 1 ]; then sleep 600; fi");
  }

  @Test
  void aJobStartedWhileItsStartCouldNotBeJournaledIsAttemptOneAndTheReRunIsAttemptTwo() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      Map<String, Object> settings = Map.of("baton.db.main.url", db.urlVia(proxy), "baton.timezone", "UTC");
      NodeProcess node = db.startProcess("first", settings);
      long chain = db.chain("once", 1, "0 0 1 1 *", 0);
      long job = db.job(chain, "record.sh", 1, "1h");
      // one fire, four seconds from now: journaled a second ahead, well after the node read the row
      ZonedDateTime fire = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
      db.update("UPDATE jobchain_table SET timestr = ? WHERE id = ?", String.format("%d %d %d %d %d ?",
          fire.getSecond(), fire.getMinute(), fire.getHour(), fire.getDayOfMonth(), fire.getMonthValue()), chain);

      long runId = node.awaitJournaledAhead(chain).runId();
      proxy.cut(); // before the fire: the run begins, its job starts, nothing more reaches the database
      Path attempts = db.home().resolve("attempts.txt");
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(attempts)
          && Files.readAllLines(attempts).equals(List.of("1")));
      node.kill();
      proxy.restore();
      db.startProcess("second", settings);

      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(attempts).equals(List.of("1", "2")));
      db.awaitRows(rows -> !rows.isEmpty() && "SUCCESS".equals(rows.get(0).get("status")),
          "SELECT status FROM chain_run WHERE run_id = ?", runId);
      List<Map<String, Object>> rows = db.rows("SELECT attempt, status, pid FROM job_run WHERE run_id = ? AND ref_id = ?"
          + " ORDER BY attempt", runId, job);
      assertEquals(2, rows.size(), rows.toString());
      assertEquals(Map.of("attempt", 1, "status", "INTERRUPTED"), Map.of("attempt", rows.get(0).get("attempt"),
          "status", rows.get(0).get("status")), "job_run names the first execution");
      assertNull(rows.get(0).get("pid"), "its pid was never recorded");
      assertEquals(Map.of("attempt", 2, "status", "SUCCESS"), Map.of("attempt", rows.get(1).get("attempt"),
          "status", rows.get(1).get("status")));
      Map<String, Object> run = db.rows("SELECT * FROM chain_run WHERE run_id = ?", runId).get(0);
      assertEquals("it-node", run.get("node"));
      assertEquals("SCHEDULE", run.get("trigger_type"), "the run that began goes on: no catch-up in its place");
      assertTrue(db.rows("SELECT msg FROM schedulerMessage WHERE run_id = ? AND msg LIKE '%attempt 1 may have started%'",
          runId).size() == 1, "the recovery message names the unconfirmed attempt");
    }
  }
}
