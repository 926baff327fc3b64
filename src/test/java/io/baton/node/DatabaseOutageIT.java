package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database goes away for 30 s (a proxy between node and MariaDB is cut) while a job runs and
 * fires come due: the node stays up, the job is neither killed nor re-run, and once the database
 * is back every outcome is written once and the fires that came due run late, never twice.
 */
@RunsAlone
class DatabaseOutageIT {
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb();

  @Test
  void aThirtySecondOutageLosesNothingAndDoublesNothing() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      db.script("jobs", "long.sh", "echo $$ > ../long.pid\nsleep 15");
      Path home = db.home();
      NodeProcess node = db.startProcess("node", Map.of("baton.db.main.url", db.urlVia(proxy)));
      try {
        long longRun = db.chain("spans the outage", 1, "@every 1h", 0);
        long job = db.job(longRun, "long.sh", 1, "1h");
        long frequent = db.chainOfOneJob("fires during the outage", "@every 2s", "ok.sh");
        db.update("UPDATE jobchain_table SET timestr = '@every 1s' WHERE id = ?", longRun);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(home.resolve("long.pid"))
            && !db.runs(frequent).isEmpty() && NodeFixture.finished(db.runs(frequent).get(0)));
        db.update("UPDATE jobchain_table SET timestr = '@every 1h' WHERE id = ?", longRun);
        long pid = Long.parseLong(Files.readString(home.resolve("long.pid")).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> db.rows("SELECT * FROM job_run WHERE ref_id = ?", job).size() == 1);

        proxy.cut();
        Instant cut = Instant.now();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
            .until(() -> !node.alive() || Instant.now().isAfter(cut.plusSeconds(30)));
        assertTrue(node.alive(), "the node stays up without its database");
        proxy.restore();
        Instant restored = Instant.now();

        List<Map<String, Object>> longRuns = db.awaitRuns(longRun, r -> !r.isEmpty() && NodeFixture.finished(r.get(0)));
        assertEquals("SUCCESS", longRuns.get(0).get("status"));
        List<Map<String, Object>> jobRows = db.rows("SELECT attempt, status, exit_code, pid FROM job_run WHERE ref_id = ?", job);
        assertEquals(1, jobRows.size(), "the job ran once: " + jobRows);
        Map<String, Object> row = jobRows.get(0);
        assertEquals(List.of(1L, "SUCCESS", 0L, pid), List.of(((Number) row.get("attempt")).longValue(), row.get("status"),
            ((Number) row.get("exit_code")).longValue(), ((Number) row.get("pid")).longValue()), "the process started before the outage");

        List<Map<String, Object>> late = db.awaitRuns(frequent, runs -> runs.stream().anyMatch(r ->
            during(r.get("scheduled_time"), cut, restored) && NodeFixture.finished(r)));
        // a fire that came due was taken on time, but its job ran only once the run could be recorded
        for (Map<String, Object> run : late) {
          if (during(run.get("scheduled_time"), cut, restored)) {
            for (Map<String, Object> j : db.rows("SELECT start_time FROM job_run WHERE run_id = ?", run.get("run_id"))) {
              assertTrue(!utc(j.get("start_time")).isBefore(restored.minusSeconds(1)), "ran late: " + run + " " + j);
            }
          }
        }
        db.assertNoFireTwice(frequent);

        Map<String, Long> outageLines = Arrays.stream(node.log().split("\n"))
            .filter(l -> l.matches(".*database (unreachable|failing) while.*"))
            .collect(Collectors.groupingBy(l -> l.replaceFirst(".*database (unreachable|failing) while ([a-z ]+):.*", "$2"),
                Collectors.counting()));
        assertTrue(!outageLines.isEmpty() && outageLines.values().stream().allMatch(n -> n == 1),
            "the loss is logged once per concern, not per attempt: " + outageLines);
      } finally {
        node.kill();
        System.out.println(node.log()); // in the failsafe report, to read when this test fails
      }
    }
  }

  private static boolean during(Object scheduled, Instant from, Instant to) {
    Instant t = utc(scheduled);
    return t.isAfter(from) && t.isBefore(to);
  }

  private static Instant utc(Object dateTime) {
    return ((LocalDateTime) dateTime).toInstant(ZoneOffset.UTC);
  }
}
