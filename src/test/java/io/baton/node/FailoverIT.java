package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.exec.OsProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes on one database, twenty chains firing every second; the leader is killed with
 * SIGKILL ten times in a row. No fire runs twice, every missing fire is explained, takeover stays
 * within ttl + 2 s, and no job process of a killed node survives.
 */
class FailoverIT {
  static final Duration TTL = Duration.ofSeconds(4);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");
  final Map<String, NodeProcess> nodes = new HashMap<>();
  /** When each node was dead: from its kill (confirmed) to its next launch. */
  final List<Object[]> deadTimes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    db.script("jobs", "short.sh", "sleep 0.2");
  }

  /** What the nodes said of leadership, misfires, errors and recovery, in the failsafe report. */
  @AfterEach
  void printNodeLogs() throws Exception {
    try (var logs = java.nio.file.Files.list(db.home())) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("eadership") || l.contains("MISFIRE") || l.contains("ERROR") || l.contains("RECOVERY"))
            .forEach(l -> System.out.println(log.getFileName() + ": " + l));
      }
    }
  }

  @Test
  void tenLeaderKillsLoseAndDoubleNoFire() throws Exception {
    for (String name : List.of("node-a", "node-b", "node-c")) {
      nodes.put(name, start(name, 0));
    }
    List<Long> chains = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long chain = db.chainOfOneJob("chain " + i, "@every 1s", "short.sh");
      chains.add(chain);
    }
    for (String name : nodes.keySet()) {
      awaitHeartbeats(name, 2);
    }
    List<Duration> takeovers = new ArrayList<>();
    for (int kill = 1; kill <= 10; kill++) {
      String leader = awaitLeaderFiring(null);
      List<Long> pids = pidsOf(leader);
      nodes.get(leader).kill();
      Instant killedAt = Instant.now();
      // read after the kill: a dead leader renews no more, and no standby can take an unexpired lease
      Instant lastRenewal = db.leaseUntil().minus(TTL);

      await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream().noneMatch(OsProcesses::isRunning));
      String next = awaitLeaderFiring(leader);
      Instant firstFire = firstStartBy(next, lastRenewal);
      takeovers.add(Duration.between(lastRenewal, firstFire));
      System.out.println("kill " + kill + ": " + leader + " renewed last at " + lastRenewal + "; " + next
          + " fired first at " + firstFire);
      deadTimes.add(new Object[] {leader, killedAt, Instant.now()});
      nodes.put(leader, start(leader, kill)); // back as a standby
      awaitHeartbeats(leader, 2); // a settled standby, as in a real cluster, before the next kill
    }
    System.out.println("takeovers: " + takeovers);
    for (Duration t : takeovers) {
      assertTrue(t.compareTo(TTL.plusSeconds(2)) <= 0, "takeover " + t + " within ttl + 2 s: " + takeovers);
    }
    for (long chain : chains) {
      db.assertNoFireTwice(chain);
      assertEveryGapExplained(chain);
    }
    // each run and job start carries the epoch of the leadership it began under
    assertEquals(0, db.rows("SELECT run_id FROM chain_run WHERE epoch IS NULL").size());
    assertEquals(0, db.rows("SELECT run_id FROM job_run WHERE epoch IS NULL").size());
    assertTrue(db.rows("SELECT DISTINCT epoch FROM chain_run").size() >= 10, "ten takeovers, ten epochs or more");
    // the ledger names only nodes that were running when the run or process began (SPEC 6)
    for (Object[] dead : deadTimes) {
      LocalDateTime from = LocalDateTime.ofInstant((Instant) dead[1], ZoneOffset.UTC);
      LocalDateTime to = LocalDateTime.ofInstant((Instant) dead[2], ZoneOffset.UTC);
      for (String table : List.of("chain_run", "job_run")) {
        assertEquals(List.of(), db.rows("SELECT run_id, start_time FROM " + table
            + " WHERE node = ? AND start_time >= ? AND start_time <= ?", dead[0], from, to),
            table + " names " + dead[0] + " while it was dead (" + from + " to " + to + ")");
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private NodeProcess start(String name, int incarnation) throws Exception {
    return db.startProcess(name + "-" + incarnation, Map.of("baton.node-name", name));
  }

  /** Waits for a leader other than {@code not} that has started a run, and returns its name. */
  private String awaitLeaderFiring(String not) {
    String[] leader = {null};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<Map<String, Object>> row = db.rows("SELECT lease_holder FROM realtime_status WHERE name = 'baton-lease'"
          + " AND lease_until > CURRENT_TIMESTAMP(3)");
      leader[0] = row.isEmpty() ? null : (String) row.get(0).get("lease_holder");
      return leader[0] != null && !leader[0].equals(not) && !db.rows(
          "SELECT run_id FROM chain_run WHERE node = ? AND start_time > ? LIMIT 1", leader[0],
          LocalDateTime.now(ZoneOffset.UTC).minusSeconds(2)).isEmpty();
    });
    return leader[0];
  }

  /** Waits until the node's realtime_status row was refreshed {@code beats} times more. */
  private void awaitHeartbeats(String node, int beats) throws Exception {
    for (int i = 0; i < beats; i++) {
      Object seen = db.rows("SELECT index_last_ping_time FROM realtime_status WHERE name = ?", node).get(0)
          .get("index_last_ping_time");
      await().atMost(Duration.ofSeconds(15)).until(() -> !seen.equals(db.rows(
          "SELECT index_last_ping_time FROM realtime_status WHERE name = ?", node).get(0).get("index_last_ping_time")));
    }
  }

  /**
   * The first process the node started: a run the dead leader had journaled ahead of its fire is
   * resumed by the new one (and keeps its first node in chain_run), so job_run tells who acted.
   */
  private Instant firstStartBy(String node, Instant after) {
    Object[] first = {null};
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      first[0] = db.rows("SELECT MIN(start_time) t FROM job_run WHERE node = ? AND start_time > ?",
          node, LocalDateTime.ofInstant(after, ZoneOffset.UTC)).get(0).get("t");
      return first[0] != null;
    });
    return ((LocalDateTime) first[0]).toInstant(ZoneOffset.UTC);
  }

  private List<Long> pidsOf(String node) throws Exception {
    return db.rows("SELECT pid FROM job_run WHERE node = ? AND start_time > ?", node,
        LocalDateTime.now(ZoneOffset.UTC).minusSeconds(5)).stream()
        .map(r -> ((Number) r.get("pid")).longValue()).toList();
  }

  /** Every second without a run is named by a misfire message or an overlap-skip message. */
  private void assertEveryGapExplained(long chain) throws Exception {
    List<Instant> fires = db.runs(chain).stream()
        .map(r -> ((LocalDateTime) r.get("scheduled_time")).toInstant(ZoneOffset.UTC)).toList();
    List<Instant[]> explained = new ArrayList<>();
    Pattern range = Pattern.compile("between (\\S+) and (\\S+);|from (\\S+) to (\\S+)$");
    for (Map<String, Object> m : db.rows("SELECT msg FROM schedulerMessage WHERE msg LIKE ?", "chain " + chain + "%")) {
      Matcher match = range.matcher(m.get("msg").toString());
      if (match.find()) {
        String from = match.group(1) != null ? match.group(1) : match.group(3);
        String to = match.group(2) != null ? match.group(2) : match.group(4);
        explained.add(new Instant[] {Instant.parse(from), Instant.parse(to)});
      }
    }
    for (int i = 1; i < fires.size(); i++) {
      for (Instant t = fires.get(i - 1).plusSeconds(1); t.isBefore(fires.get(i)); t = t.plusSeconds(1)) {
        Instant missing = t;
        assertTrue(explained.stream().anyMatch(r -> !missing.isBefore(r[0]) && !missing.isAfter(r[1])),
            "chain " + chain + ": the fire of " + missing + " is neither in chain_run nor in a message");
      }
    }
    assertEquals(fires.size(), fires.stream().distinct().count());
  }
}
