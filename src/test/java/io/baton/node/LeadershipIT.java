package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A leader frozen past its lease, and main/bkp sites, with real node processes. */
class LeadershipIT {
  static final Duration TTL = Duration.ofSeconds(4);
  static final Map<String, Object> MAIN = Map.of("baton.site", "main");
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");

  @Test
  void aLeaderPausedPastItsLeaseStartsNothingWhenItResumesAndStandsBy() throws Exception {
    NodeProcess a = db.startLeader("node-a", MAIN);
    NodeProcess b = db.startNamed("node-b", MAIN);
    for (int i = 0; i < 5; i++) {
      db.job(db.chain("chain " + i, 1, "@every 1s", 0), "sleep.sh 0.3", 1, "30");
    }
    awaitRunsBy("node-a");

    a.pause();
    java.time.Instant paused = java.time.Instant.now();
    db.awaitLeader("node-b");
    // node-a stays frozen for twice its lease (node-b's first writes may wait on row locks a
    // frozen transaction of node-a holds, so node-b's runs are checked after the resume)
    await().atMost(Duration.ofSeconds(20)).until(() -> java.time.Instant.now().isAfter(paused.plus(TTL.multipliedBy(2))));
    a.resume();
    LocalDateTime resumed = LocalDateTime.now(ZoneOffset.UTC);

    await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("leadership: deposed"));
    awaitRunsBy("node-b"); // b goes on leading
    assertEquals(List.of(), db.rows("SELECT run_id FROM chain_run WHERE node = 'node-a' AND start_time >= ?", resumed),
        "no run started by the resumed node");
    assertEquals(List.of(), db.rows("SELECT run_id FROM job_run WHERE node = 'node-a' AND start_time >= ?", resumed),
        "no process started by the resumed node");
    assertEquals(null, db.rows("SELECT lease_epoch FROM realtime_status WHERE name = 'node-a'").get(0).get("lease_epoch"),
        "node-a shows itself standing by");
    assertTrue(b.alive() && a.alive());
  }

  @Test
  void mainChainsRunUnderAMainLeaderAndBkpChainsUnderABkpLeader() throws Exception {
    NodeProcess main = db.startLeader("node-main", MAIN);
    db.startNamed("node-bkp", Map.of("baton.site", "bkp"));
    long mainChain = db.chainOfOneJob("main only", "@every 1s", "ok.sh");
    long bkpChain = db.chain("bkp only", 1, "@every 1s", 0);
    db.update("UPDATE jobchain_table SET main_flag = 0, BKP_flag = 1 WHERE id = ?", bkpChain);
    db.job(bkpChain, "ok.sh", 1, "30"); // only now can it run: it was never a main chain with jobs
    db.awaitRuns(mainChain, runs -> runs.size() >= 3);

    main.kill();
    db.awaitLeader("node-bkp");
    db.awaitRuns(bkpChain, runs -> runs.size() >= 3);

    NodeProcess back = db.startLeader("node-main", MAIN); // takes leadership back at the next expiry
    int before = db.runs(mainChain).size();
    db.awaitRuns(mainChain, runs -> runs.size() >= before + 3);

    assertEquals(List.of(), db.rows("SELECT node FROM chain_run WHERE chain_id = ? AND node <> 'node-main'", mainChain));
    assertEquals(List.of(), db.rows("SELECT node FROM chain_run WHERE chain_id = ? AND node <> 'node-bkp'", bkpChain));
    assertTrue(back.alive());
  }

  @Test
  void aLeaderCutOffFromTheDatabaseStopsFiringBeforeItsLeaseExpiresAndAStandbyTakesOver() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      NodeProcess a = db.startLeader("node-a", Map.of("baton.db.main.url", db.urlVia(proxy)));
      db.startNamed("node-b", MAIN);
      List<Long> chains = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long chain = db.chainOfOneJob("chain " + i, "@every 1s", "ok.sh");
        chains.add(chain);
      }
      awaitRunsBy("node-a");

      java.time.Instant until = db.leaseUntil();
      proxy.cut();
      db.awaitLeader("node-b");
      awaitRunsBy("node-b");
      proxy.restore();
      await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("leadership: deposed"));

      LocalDateTime expiry = LocalDateTime.ofInstant(until, ZoneOffset.UTC);
      assertEquals(List.of(), db.rows("SELECT run_id FROM chain_run WHERE node = 'node-a' AND start_time >= ?", expiry),
          "node-a fired nothing after its lease could have expired");
      for (long chain : chains) {
        db.assertNoFireTwice(chain);
      }
      assertTrue(a.log().contains("lease not renewed in time"), "node-a fenced itself");
    }
  }

  private void awaitRunsBy(String node) {
    LocalDateTime from = LocalDateTime.now(ZoneOffset.UTC);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        db.rows("SELECT run_id FROM chain_run WHERE node = ? AND start_time > ?", node, from).size() >= 3);
  }
}
