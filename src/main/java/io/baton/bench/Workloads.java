package io.baton.bench;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The workloads of shared BENCH.md, each measured from Baton's own records. */
final class Workloads {
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
  /** A schedule that never fires during a benchmark: the chains are made due by {@link #fireAllAt}. */
  private static final String NEVER = "0 0 0 1 1 ? 2099";
  /** Each job's delay, in microseconds, from its run's scheduled time to its process starting. */
  private static final String FIRE_DELAYS = "SELECT TIMESTAMPDIFF(MICROSECOND, c.scheduled_time, j.start_time)"
      + " FROM chain_run c JOIN job_run j ON j.run_id = c.run_id";

  private Workloads() {}

  static Figures baseline(Path home, double scale) throws Exception {
    int total = (int) Math.max(50, 2000 * scale);
    double perSecond = Baseline.processesPerSecond(home.resolve("jobs/ok.sh"), total);
    double launcher = Baseline.launcherPerSecond(home, total);
    return new Figures("W0", "ProcessBuilder loop, 2 threads, " + total + " starts of jobs/ok.sh")
        .add("processes/s", perSecond, "", "the limit here")
        .add("processes/s through Baton's launcher alone (no chain, no database)", launcher, "", "");
  }

  /** W1: chains with one job each, all due in the same second. */
  static Figures burst(BenchDatabase db, Path home, double scale) throws Exception {
    int n = (int) Math.max(10, 1000 * scale);
    Figures f = new Figures("W1", n + " chains, one job each, all due in the same second");
    try (BenchNode node = BenchNode.start(home, db, Map.of())) {
      Burst burst = allDueAtOnce(db, n, 1, 1, false);
      f.add("runs/s", n / drainSeconds(db, burst.due()), "", ">= 0.8 x W0");
      fireDelays(db, f);
      f.add("SUCCESS runs", successes(db), "", "all " + n);
      f.add("statements per run", burst.counters().per("Questions", n), "", "<= 12");
      f.add("commits per run (Com_commit)", burst.counters().per("Com_commit", n), "", "<= 3");
      f.add("commits per run (Handler_commit)", burst.counters().per("Handler_commit", n), "", "");
    }
    return f;
  }

  /** W2: one chain firing every second. */
  static Figures lone(BenchDatabase db, Path home, double scale) throws Exception {
    int seconds = (int) Math.max(5, 60 * scale);
    Figures f = new Figures("W2", "one chain firing every second for " + seconds + " s");
    try (BenchNode node = BenchNode.start(home, db, Map.of())) {
      ChainLoader.chains(db, 1, 1, 1, "@every 1s", false);
      awaitUntil(() -> db.scalar("SELECT COUNT(*) FROM chain_run WHERE end_time IS NOT NULL") >= seconds + 2,
          Duration.ofSeconds(seconds + 60));
      // the first two fires include the node's warm-up
      List<Double> delays = millis(db, FIRE_DELAYS + " ORDER BY c.scheduled_time LIMIT 1000 OFFSET 2");
      double[] d = Figures.sorted(delays);
      f.add("fire delay p50", Figures.percentile(d, 50), "ms", "");
      f.add("fire delay p99", Figures.percentile(d, 99), "ms", "<= 10 ms");
      f.add("fires measured", d.length, "", "");
    }
    return f;
  }

  /** W3: chains of 5 levels x 4 jobs, all due at once; the level hand-off. */
  static Figures levels(BenchDatabase db, Path home, double scale) throws Exception {
    int n = (int) Math.max(2, 20 * scale);
    Figures f = new Figures("W3", n + " chains x 5 levels x 4 jobs, all due at once");
    try (BenchNode node = BenchNode.start(home, db, Map.of())) {
      Burst burst = allDueAtOnce(db, n, 5, 4, false);
      List<Double> handOffs = millis(db, "SELECT TIMESTAMPDIFF(MICROSECOND, e.last_end, s.first_start) FROM"
          + " (SELECT run_id, step_lvl, MAX(end_time) last_end FROM job_run GROUP BY run_id, step_lvl) e JOIN"
          + " (SELECT run_id, step_lvl, MIN(start_time) first_start FROM job_run GROUP BY run_id, step_lvl) s"
          + " ON s.run_id = e.run_id AND s.step_lvl = e.step_lvl + 1");
      double[] h = Figures.sorted(handOffs);
      f.add("level hand-off median", Figures.percentile(h, 50), "ms", "<= 5 ms");
      f.add("level hand-off p99", Figures.percentile(h, 99), "ms", "<= 20 ms");
      f.add("total (due -> last end)", drainSeconds(db, burst.due()), "s", "");
      f.add("SUCCESS runs", successes(db), "", "all " + n);
    }
    return f;
  }

  /** W4: chains whose dependency passes on its second check (poll 1 s), then one job. */
  static Figures dependencies(BenchDatabase db, Path home, double scale) throws Exception {
    int n = (int) Math.max(10, 500 * scale);
    Figures f = new Figures("W4", n + " chains, one dependency passing at its 2nd check (poll 1 s), one job");
    try (BenchNode node = BenchNode.start(home, db, Map.of("baton.dependency.poll-interval", "1s"))) {
      Burst burst = allDueAtOnce(db, n, 1, 1, true);
      f.add("due -> last SUCCESS", drainSeconds(db, burst.due()), "s", "<= 1 s + poll + W1 time for " + n);
      long checks = db.scalar("SELECT COUNT(*) FROM job_run WHERE kind = 'DEP'");
      f.add("statements per dependency check (all statements / checks)", burst.counters().per("Questions", checks), "",
          "0 for a check that changes nothing");
      f.add("SUCCESS runs", successes(db), "", "all " + n);
    }
    return f;
  }

  /** W5: many chains on a yearly schedule: readiness, memory, and what an idle node costs. */
  static Figures idle(BenchDatabase db, Path home, double scale) throws Exception {
    int n = (int) Math.max(100, 100_000 * scale);
    int window = (int) Math.max(10, 60 * Math.min(1, scale * 10));
    Figures f = new Figures("W5", n + " chains on a yearly schedule, idle for " + window + " s");
    try (BenchNode first = BenchNode.start(home, db, Map.of())) {
      ChainLoader.chains(db, n, 1, 1, "@yearly", false); // the first start made the schema
    }
    // Written a day ago, as in a database the node starts on: a catalog changed within the last
    // seconds is read again at every poll until it has settled (CatalogRepository's fingerprint),
    // which would be counted as idling.
    for (String table : new String[] {"jobchain_table", "jobtable"}) {
      db.execute("UPDATE " + table + " SET entry_time = entry_time - INTERVAL 1 DAY");
    }
    long started = System.nanoTime();
    try (BenchNode node = BenchNode.start(home, db, Map.of())) {
      awaitArmed(db, n, Duration.ofMinutes(4));
      f.add("start -> all armed", (System.nanoTime() - started) / 1e9, "s", "<= 15 s");
      f.add("heap after full GC", Memory.heapAfterGc() / 1048576.0, "MiB", "<= 512 MiB");
      f.add("RSS", Memory.rss() / 1048576.0, "MiB", "");
      Map<String, Long> before = db.counters();
      double cpu = Memory.cpuSecondsDuring(Duration.ofSeconds(window));
      Counted counted = new Counted(before, db.counters());
      f.add("idle CPU", 100 * cpu / window, "% of a core", "<= 2 %");
      f.add("idle statements/s", counted.per("Questions", window), "", "<= 5");
      // the JIT's threads go on compiling what start-up and the periodic chores made hot for minutes
      // (measured per thread): the later windows show what idling itself costs
      int windows = scale >= 1 ? 4 : 2;
      for (int w = 2; w <= windows; w++) {
        f.add("idle CPU, window " + w + " of " + window + " s", 100 * Memory.cpuSecondsDuring(Duration.ofSeconds(window))
            / window, "% of a core", "<= 2 %");
      }
    }
    return f;
  }

  /** W6: chains firing every 10 s for minutes: is anything growing? */
  static Figures sustained(BenchDatabase db, Path home, double scale) throws Exception {
    int n = (int) Math.max(10, 1000 * scale);
    int minutes = (int) Math.max(1, Math.round(3 * Math.min(1, scale * 3)));
    int window = scale >= 0.1 ? 60 : 10; // a shrunk run (the smoke test) looks at 10 s windows
    Figures f = new Figures("W6", n + " chains @every 10s for " + minutes + " x " + window + " s");
    try (BenchNode node = BenchNode.start(home, db, Map.of())) {
      ChainLoader.chains(db, n, 1, 1, "@every 10s", false);
      awaitArmed(db, n, Duration.ofMinutes(2));
      Instant from = Instant.now();
      for (int minute = 1; minute <= minutes; minute++) {
        Instant end = from.plusSeconds((long) window * minute);
        awaitUntil(() -> Instant.now().isAfter(end), Duration.ofSeconds(window + 10));
        Instant start = end.minusSeconds(window);
        double[] d = Figures.sorted(millis(db, FIRE_DELAYS + " WHERE c.scheduled_time >= '"
            + SQL_TIME.format(start.atOffset(ZoneOffset.UTC)) + "' AND c.scheduled_time < '"
            + SQL_TIME.format(end.minusSeconds(5).atOffset(ZoneOffset.UTC)) + "'"));
        f.add("window " + minute + ": fire delay p99", Figures.percentile(d, 99), "ms", "<= 50 ms, flat");
        f.add("window " + minute + ": journal rows", db.scalar("SELECT COUNT(*) FROM event_journal"), "", "flat");
        f.add("window " + minute + ": heap after GC", Memory.heapAfterGc() / 1048576.0, "MiB", "flat");
      }
    }
    return f;
  }

  /**
   * W7: chains {@code @every 10s} sized to 30 % of the W0 rate of the same run, first on one node,
   * then on three nodes of one cluster (in this JVM, on this host): fire delay and processes per node.
   */
  static Figures spread(BenchDatabase db, Path home, double scale, double w0PerSecond) throws Exception {
    int n = (int) Math.max(30, Math.round(0.3 * w0PerSecond * 10 * Math.min(1, scale * 10)));
    int seconds = (int) Math.max(30, Math.round(180 * Math.min(1, scale * 10)));
    Figures f = new Figures("W7", n + " chains @every 10s (30 % of W0's rate), " + seconds
        + " s on one node, then " + seconds + " s on three");
    try (BenchNode one = BenchNode.start("bench-0", home, db, Map.of())) {
      ChainLoader.chains(db, n, 1, 1, "@every 10s", false);
      awaitUntil(() -> armed(db).getOrDefault("bench-0", 0L) >= n, Duration.ofMinutes(2));
      measureSpread(db, f, "one node", seconds, 1);
    }
    List<BenchNode> three = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        three.add(BenchNode.start("bench-" + i, home, db, Map.of()));
      }
      // every node hosts a share of the chains (the shards are spread a few at a time)
      awaitUntil(() -> {
        Map<String, Long> armed = armed(db);
        armed.remove("bench-0");
        return armed.size() == 3 && armed.values().stream().mapToLong(Long::longValue).sum() >= n
            && armed.values().stream().allMatch(a -> a >= n / 4);
      }, Duration.ofMinutes(2));
      measureSpread(db, f, "three nodes", seconds, 3);
    } finally {
      for (BenchNode node : three) {
        node.close();
      }
    }
    return f;
  }

  /** Over the next {@code seconds}: fire delay p99 and the processes each node started. */
  private static void measureSpread(BenchDatabase db, Figures f, String label, int seconds, int nodes)
      throws Exception {
    Instant from = Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Instant end = from.plusSeconds(seconds);
    awaitUntil(() -> Instant.now().isAfter(end.plusSeconds(5)), Duration.ofSeconds(seconds + 15));
    String window = " c.scheduled_time >= '" + SQL_TIME.format(from.atOffset(ZoneOffset.UTC))
        + "' AND c.scheduled_time < '" + SQL_TIME.format(end.atOffset(ZoneOffset.UTC)) + "'";
    double[] d = Figures.sorted(millis(db, FIRE_DELAYS + " WHERE" + window));
    f.add(label + ": fire delay p99", Figures.percentile(d, 99), "ms", nodes == 1 ? "" : "compare with one node");
    f.add(label + ": processes started", d.length, "", "");
    // the nodes are named bench-<n>
    for (double[] row : db.rows("SELECT CAST(SUBSTRING(j.node, 7) AS UNSIGNED) n, COUNT(*) FROM chain_run c"
        + " JOIN job_run j ON j.run_id = c.run_id WHERE" + window + " GROUP BY n ORDER BY n", 2)) {
      f.add(label + ": processes on bench-" + (int) row[0], row[1], "", nodes == 1 ? "" : "about a third each");
    }
  }

  /** Each node's armed chains, as its realtime_status row says. */
  private static Map<String, Long> armed(BenchDatabase db) throws SQLException {
    Map<String, Long> armed = new java.util.TreeMap<>();
    for (int i = 0; i <= 3; i++) {
      String name = "bench-" + i;
      long count = db.scalar("SELECT COALESCE(MAX(timequeuesize), -1) FROM realtime_status WHERE name = ?"
          + " AND index_last_ping_time > TIMESTAMPADD(SECOND, -10, CURRENT_TIMESTAMP)", name);
      if (count >= 0) {
        armed.put(name, count);
      }
    }
    return armed;
  }

  // ---- shared steps -------------------------------------------------------------------------------

  /** The server's counters before and after a stretch of work. */
  private record Counted(Map<String, Long> before, Map<String, Long> after) {
    /** How much {@code counter} grew per unit of work. */
    double per(String counter, double units) {
      return (after.get(counter) - before.get(counter)) / units;
    }
  }

  /** Chains made due together: the instant, and the counters from just after it to the end of the last run. */
  private record Burst(Instant due, Counted counters) {}

  /**
   * Loads {@code n} chains of {@code levels} x {@code jobsPerLevel} jobs (and a dependency each if
   * asked), makes all of them due 6 s from now, and waits until every run ended.
   */
  private static Burst allDueAtOnce(BenchDatabase db, int n, int levels, int jobsPerLevel, boolean dependency)
      throws Exception {
    ChainLoader.chains(db, n, levels, jobsPerLevel, NEVER, dependency);
    Instant due = fireAllAt(db, n, Duration.ofSeconds(6));
    Map<String, Long> before = db.counters();
    awaitFinished(db, n, due, Duration.ofMinutes(3));
    return new Burst(due, new Counted(before, db.counters()));
  }

  /** Waits until the node has armed {@code n} chains (its realtime_status row says how many). */
  private static void awaitArmed(BenchDatabase db, int n, Duration atMost) throws Exception {
    awaitUntil(() -> db.scalar("SELECT timequeuesize FROM realtime_status WHERE name = ?", BenchNode.NAME) >= n,
        atMost);
  }

  private static long successes(BenchDatabase db) throws SQLException {
    return db.scalar("SELECT COUNT(*) FROM chain_run WHERE status = 'SUCCESS'");
  }

  /** Waits for the node to arm every chain, then makes all of them due at one whole second. */
  private static Instant fireAllAt(BenchDatabase db, int n, Duration lead) throws Exception {
    awaitArmed(db, n, Duration.ofMinutes(5));
    ZonedDateTime due = ZonedDateTime.now(ZoneOffset.UTC).plus(lead).withNano(0);
    db.execute("UPDATE jobchain_table SET timestr = '" + ChainLoader.once(due) + "'");
    return due.toInstant();
  }

  private static void awaitFinished(BenchDatabase db, int n, Instant due, Duration atMost) throws Exception {
    awaitUntil(() -> db.scalar("SELECT COUNT(*) FROM chain_run WHERE end_time IS NOT NULL AND scheduled_time = ?",
        SQL_TIME.format(due.atOffset(ZoneOffset.UTC))) >= n, atMost.plus(Duration.between(Instant.now(), due)));
  }

  private static double drainSeconds(BenchDatabase db, Instant due) throws SQLException {
    return db.scalar("SELECT TIMESTAMPDIFF(MICROSECOND, '" + SQL_TIME.format(due.atOffset(ZoneOffset.UTC))
        + "', MAX(end_time)) FROM chain_run") / 1e6;
  }

  private static void fireDelays(BenchDatabase db, Figures f) throws SQLException {
    double[] d = Figures.sorted(millis(db, FIRE_DELAYS));
    f.add("fire delay p50", Figures.percentile(d, 50), "ms", "");
    f.add("fire delay p99", Figures.percentile(d, 99), "ms", "");
    f.add("fire delay max", d.length == 0 ? Double.NaN : d[d.length - 1], "ms", "");
    // where the delay goes: the chain deciding to run (chain_run.start_time), then its job starting
    double[] decide = Figures.sorted(millis(db, "SELECT TIMESTAMPDIFF(MICROSECOND, scheduled_time, start_time)"
        + " FROM chain_run"));
    double[] spawn = Figures.sorted(millis(db, "SELECT TIMESTAMPDIFF(MICROSECOND, c.start_time, j.start_time)"
        + " FROM chain_run c JOIN job_run j ON j.run_id = c.run_id"));
    f.add("  of which: due -> run recorded p50 / p99", Figures.percentile(decide, 50), "ms",
        "p99 " + Math.round(Figures.percentile(decide, 99)) + " ms");
    f.add("  of which: run -> job started p50 / p99", Figures.percentile(spawn, 50), "ms",
        "p99 " + Math.round(Figures.percentile(spawn, 99)) + " ms");
  }

  private static List<Double> millis(BenchDatabase db, String sql) throws SQLException {
    List<Double> out = new ArrayList<>();
    for (double[] row : db.rows(sql, 1)) {
      out.add(row[0] / 1000.0);
    }
    return out;
  }

  static void awaitUntil(Callable<Boolean> condition, Duration atMost) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("benchmark step did not complete within " + atMost);
      }
      Thread.sleep(200); // polling the database, not synchronising threads
    }
  }
}
