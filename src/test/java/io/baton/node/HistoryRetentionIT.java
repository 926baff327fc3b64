package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.db.Database;
import io.baton.db.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chain_run and job_run keep baton.history-retention of history; older rows go, in batches. */
class HistoryRetentionIT {
  @TempDir Path home;

  @Test
  void runsThatEndedBeforeTheRetentionArePrunedAndRecentOnesKept() throws Exception {
    try (TestNode node = TestNode.onMariaDb(home).with("baton.history-retention", "30d")) {
      Database.open(node.url, TestDatabases.USER, TestDatabases.PASSWORD, home).close(); // Baton's tables
      LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
      insertRuns(node, 1_200, now.minusDays(40), 1); // more than two batches
      insertRuns(node, 10, now.minusDays(20), 2);
      node.start();

      await().atMost(Duration.ofSeconds(60)).until(() -> count(node, "chain_run", 1) == 0 && count(node, "job_run", 1) == 0);
      assertEquals(10, count(node, "chain_run", 2));
      assertEquals(10, count(node, "job_run", 2));
    }
  }

  @Test
  void aRunStillGoingKeepsItsProcessesAndLogsAndOnlyBatonsOwnOldLogFilesAreDeleted() throws Exception {
    try (TestNode node = TestNode.onMariaDb(home).with("baton.history-retention", "30d")) {
      Database.open(node.url, TestDatabases.USER, TestDatabases.PASSWORD, home).close();
      LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
      insertRuns(node, 1, now.minusDays(40), 3); // run 3000000: ended 40 days ago
      insertRuns(node, 1, now.minusDays(40), 4); // run 4000000: its process ended 40 days ago, the run goes on
      node.update("UPDATE chain_run SET end_time = NULL, status = 'RUNNING' WHERE chain_id = 4");
      Path logs = home.resolve("logs");
      Path ended = oldFile(logs.resolve("2026-01-01/chain-3/run-3000000-job-1-a1.log"));
      Path going = oldFile(logs.resolve("2026-01-01/chain-4/run-4000000-job-1-a1.log"));
      Path notes = oldFile(logs.resolve("NOTES.txt"));
      Path stray = oldFile(logs.resolve("2026-01-01/chain-3/kept-by-hand.txt"));
      node.start();

      await().atMost(Duration.ofSeconds(60)).until(() -> count(node, "chain_run", 3) == 0 && !Files.exists(ended));
      assertEquals(1, count(node, "job_run", 4), "the process row of a run that goes on stays");
      assertTrue(Files.exists(going), "and so does its log");
      assertTrue(Files.exists(notes) && Files.exists(stray), "files that are not Baton's logs are left alone");
    }
  }

  private static Path oldFile(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "output\n");
    Files.setLastModifiedTime(file, FileTime.from(java.time.Instant.now().minus(Duration.ofDays(40))));
    return file;
  }

  private static void insertRuns(TestNode node, int n, LocalDateTime ended, long chain) throws Exception {
    try (Connection c = node.connect();
        PreparedStatement run = c.prepareStatement("INSERT INTO chain_run (run_id, chain_id, trigger_type, scheduled_time,"
            + " start_time, end_time, status, node) VALUES (?, ?, 'SCHEDULE', ?, ?, ?, 'SUCCESS', 'old')");
        PreparedStatement job = c.prepareStatement("INSERT INTO job_run (run_id, chain_id, kind, ref_id, step_lvl, attempt,"
            + " start_time, end_time, exit_code, status, pid, log_path, node) VALUES (?, ?, 'JOB', 1, 1, 1, ?, ?, 0,"
            + " 'SUCCESS', 1, '/x', 'old')")) {
      for (int i = 0; i < n; i++) {
        long runId = chain * 1_000_000 + i;
        String t = ended.minusSeconds(i).toString().replace('T', ' ');
        run.setLong(1, runId);
        run.setLong(2, chain);
        run.setString(3, t);
        run.setString(4, t);
        run.setString(5, t);
        run.addBatch();
        job.setLong(1, runId);
        job.setLong(2, chain);
        job.setString(3, t);
        job.setString(4, t);
        job.addBatch();
      }
      run.executeBatch();
      job.executeBatch();
    }
  }

  private static int count(TestNode node, String table, long chain) throws Exception {
    return ((Number) node.rows("SELECT COUNT(*) n FROM " + table + " WHERE chain_id = ?", chain).get(0).get("n")).intValue();
  }
}
