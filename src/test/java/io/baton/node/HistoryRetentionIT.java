package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** chain_run and job_run keep baton.history-retention of history; older rows go, in batches. */
class HistoryRetentionIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb().with("baton.history-retention", "30d");

  @BeforeEach
  void batonsTables() {
    node.migrate();
  }

  @Test
  void runsThatEndedBeforeTheRetentionArePrunedAndRecentOnesKept() throws Exception {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    insertRuns(1_200, now.minusDays(40), 1); // more than two batches
    insertRuns(10, now.minusDays(20), 2);
    node.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> count("chain_run", 1) == 0 && count("job_run", 1) == 0);
    assertEquals(10, count("chain_run", 2));
    assertEquals(10, count("job_run", 2));
  }

  @Test
  void aRunStillGoingKeepsItsProcessesAndLogsAndOnlyBatonsOwnOldLogFilesAreDeleted() throws Exception {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    insertRuns(1, now.minusDays(40), 3); // run 3000000: ended 40 days ago
    insertRuns(1, now.minusDays(40), 4); // run 4000000: its process ended 40 days ago, the run goes on
    node.update("UPDATE chain_run SET end_time = NULL, status = 'RUNNING' WHERE chain_id = 4");
    Path logs = node.home().resolve("logs");
    Path ended = oldFile(logs.resolve("2026-01-01/chain-3/run-3000000-job-1-a1.log"));
    Path going = oldFile(logs.resolve("2026-01-01/chain-4/run-4000000-job-1-a1.log"));
    Path notes = oldFile(logs.resolve("NOTES.txt"));
    Path stray = oldFile(logs.resolve("2026-01-01/chain-3/kept-by-hand.txt"));
    node.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> count("chain_run", 3) == 0 && !Files.exists(ended));
    assertEquals(1, count("job_run", 4), "the process row of a run that goes on stays");
    assertTrue(Files.exists(going), "and so does its log");
    assertTrue(Files.exists(notes) && Files.exists(stray), "files that are not Baton's logs are left alone");
  }

  private static Path oldFile(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "output\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
    return file;
  }

  /** {@code n} runs of {@code chain} with a job each, ended a second apart up to {@code ended}. */
  private void insertRuns(int n, LocalDateTime ended, long chain) {
    List<Object[]> runs = new ArrayList<>();
    List<Object[]> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long runId = chain * 1_000_000 + i;
      String t = ended.minusSeconds(i).toString().replace('T', ' ');
      runs.add(new Object[] {runId, chain, t, t, t});
      jobs.add(new Object[] {runId, chain, t, t});
    }
    node.batch("INSERT INTO chain_run (run_id, chain_id, trigger_type, scheduled_time, start_time, end_time, status,"
        + " node) VALUES (?, ?, 'SCHEDULE', ?, ?, ?, 'SUCCESS', 'old')", runs);
    node.batch("INSERT INTO job_run (run_id, chain_id, kind, ref_id, step_lvl, attempt, start_time, end_time,"
        + " exit_code, status, pid, log_path, node) VALUES (?, ?, 'JOB', 1, 1, 1, ?, ?, 0, 'SUCCESS', 1, '/x', 'old')",
        jobs);
  }

  private int count(String table, long chain) {
    return ((Number) node.one("SELECT COUNT(*) FROM " + table + " WHERE chain_id = ?", chain)).intValue();
  }
}
