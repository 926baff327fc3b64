package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.db.TestSql;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The original tables of a test's database as an operator uses them: chains, jobs and dependency
 * checks inserted row by row, and what Baton recorded read back, or waited for (30 s at most).
 */
public abstract class ChainTables extends TestSql {
  static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String RUNS = "SELECT * FROM chain_run WHERE chain_id = ? ORDER BY scheduled_time";

  public long chain(String desc, int steps, String timestr, double depOt) {
    return chain(desc, steps, timestr, depOt, "ON");
  }

  /** A chain switched OFF: only an operator's command runs it. */
  public long chainOff(String desc, int steps, String timestr) {
    return chain(desc, steps, timestr, 0, "OFF");
  }

  private long chain(String desc, int steps, String timestr, double depOt, String onOrOff) {
    return insert("INSERT INTO jobchain_table (job_desc, total_stpes, timestr, dep_ot, switch) VALUES (?, ?, ?, ?, ?)",
        desc, steps, timestr, depOt, onOrOff);
  }

  /** A chain of one level with one job, {@code command} with a 30 s ottime, and no dependency. */
  public long chainOfOneJob(String desc, String timestr, String command) {
    long chain = chain(desc, 1, timestr, 0);
    job(chain, command, 1, "30");
    return chain;
  }

  /** A chain that fires exactly once, three seconds from now (Quartz cron with a year). */
  long chainFiringOnce(String desc, int steps, double depOt) {
    ZonedDateTime at = ZonedDateTime.now().plusSeconds(3);
    String once = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
        + at.getMonthValue() + " ? " + at.getYear();
    return chain(desc, steps, once, depOt);
  }

  public long job(long chainId, String command, int level, String ottime) {
    return insert("INSERT INTO jobtable (job_chain_id, env, command, step_lvl, ottime) VALUES (?, NULL, ?, ?, ?)",
        chainId, command, level, ottime);
  }

  public long dependency(long chainId, String command, int ottime) {
    return insert("INSERT INTO deptable (jobchainid, env, command, ottime) VALUES (?, NULL, ?, ?)",
        chainId, command, ottime);
  }

  public List<Map<String, Object>> runs(long chainId) {
    return rows(RUNS, chainId);
  }

  public List<Map<String, Object>> messages(String containing) {
    return rows("SELECT run_id, msg FROM schedulerMessage WHERE msg LIKE ? ORDER BY id", "%" + containing + "%");
  }

  public static boolean finished(Map<String, Object> run) {
    return run.get("end_time") != null && !"RUNNING".equals(run.get("status"));
  }

  public void assertNoFireTwice(long chain) {
    List<Map<String, Object>> doubled = rows(
        "SELECT scheduled_time, COUNT(*) n FROM chain_run WHERE chain_id = ? GROUP BY scheduled_time HAVING n > 1", chain);
    assertEquals(List.of(), doubled, "a scheduled fire ran twice");
  }

  /** Waits (polling, 30 s at most) until the query's rows satisfy {@code until}; returns them. */
  public List<Map<String, Object>> awaitRows(Predicate<List<Map<String, Object>>> until, String sql, Object... args) {
    List<List<Map<String, Object>>> last = new ArrayList<>(List.of(List.of()));
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
      last.set(0, rows(sql, args));
      return until.test(last.get(0));
    });
    return last.get(0);
  }

  /** Waits (30 s at most) until the query has a row; returns the first. */
  public Map<String, Object> awaitRow(String sql, Object... args) {
    return awaitRows(rows -> !rows.isEmpty(), sql, args).get(0);
  }

  public List<Map<String, Object>> awaitRuns(long chainId, Predicate<List<Map<String, Object>>> condition) {
    return awaitRows(condition, RUNS, chainId);
  }

  /** Waits (30 s at most) until the chain has a finished run, and returns the first. */
  public Map<String, Object> firstFinishedRun(long chainId) {
    return awaitRuns(chainId, runs -> runs.stream().anyMatch(NodeFixture::finished)).stream()
        .filter(NodeFixture::finished).findFirst().orElseThrow();
  }
}
