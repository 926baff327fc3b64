package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leader frozen past its lease, and main/bkp sites, with real node processes. */
class LeadershipIT {
  static final Duration TTL = Duration.ofSeconds(4);
  @TempDir Path home;
  TestNode db;
  TestCluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    db = TestNode.onMariaDb(home).with("baton.lease.ttl", TTL.toMillis() + "ms");
    cluster = new TestCluster(db);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void aLeaderPausedPastItsLeaseStartsNothingWhenItResumesAndStandsBy() throws Exception {
    NodeProcess a = start("node-a", "main");
    awaitLeader("node-a");
    NodeProcess b = start("node-b", "main");
    for (int i = 0; i < 5; i++) {
      db.job(db.chain("chain " + i, 1, "@every 1s", 0), "sleep.sh 0.3", 1, "30");
    }
    awaitRunsBy("node-a");

    a.pause();
    java.time.Instant paused = java.time.Instant.now();
    awaitLeader("node-b");
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
    NodeProcess main = start("node-main", "main");
    awaitLeader("node-main");
    start("node-bkp", "bkp");
    long mainChain = db.chain("main only", 1, "@every 1s", 0);
    db.job(mainChain, "ok.sh", 1, "30");
    long bkpChain = db.chain("bkp only", 1, "@every 1s", 0);
    db.update("UPDATE jobchain_table SET main_flag = 0, BKP_flag = 1 WHERE id = ?", bkpChain);
    db.job(bkpChain, "ok.sh", 1, "30"); // only now can it run: it was never a main chain with jobs
    db.awaitRuns(mainChain, runs -> runs.size() >= 3);

    main.kill();
    awaitLeader("node-bkp");
    db.awaitRuns(bkpChain, runs -> runs.size() >= 3);

    NodeProcess back = start("node-main", "main"); // takes leadership back at the next expiry
    awaitLeader("node-main");
    int before = db.runs(mainChain).size();
    db.awaitRuns(mainChain, runs -> runs.size() >= before + 3);

    assertEquals(List.of(), db.rows("SELECT node FROM chain_run WHERE chain_id = ? AND node <> 'node-main'", mainChain));
    assertEquals(List.of(), db.rows("SELECT node FROM chain_run WHERE chain_id = ? AND node <> 'node-bkp'", bkpChain));
    assertTrue(back.alive());
  }

  @Test
  void aLeaderCutOffFromTheDatabaseStopsFiringBeforeItsLeaseExpiresAndAStandbyTakesOver() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      String viaProxy = db.url.replace("127.0.0.1:3306", "127.0.0.1:" + proxy.port());
      NodeProcess a = cluster.start("node-a", Map.of("baton.db.main.url", viaProxy));
      awaitLeader("node-a");
      start("node-b", "main");
      List<Long> chains = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long chain = db.chain("chain " + i, 1, "@every 1s", 0);
        db.job(chain, "ok.sh", 1, "30");
        chains.add(chain);
      }
      awaitRunsBy("node-a");

      java.sql.Timestamp until = (java.sql.Timestamp) db.rows(
          "SELECT lease_until FROM realtime_status WHERE name = 'baton-lease'").get(0).get("lease_until");
      proxy.cut();
      awaitLeader("node-b");
      awaitRunsBy("node-b");
      proxy.restore();
      await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("leadership: deposed"));

      LocalDateTime expiry = LocalDateTime.ofInstant(until.toInstant(), ZoneOffset.UTC);
      assertEquals(List.of(), db.rows("SELECT run_id FROM chain_run WHERE node = 'node-a' AND start_time >= ?", expiry),
          "node-a fired nothing after its lease could have expired");
      for (long chain : chains) {
        MisfireIT.assertNoFireTwice(db, chain);
      }
      assertTrue(a.log().contains("lease not renewed in time"), "node-a fenced itself");
    }
  }

  private NodeProcess start(String name, String site) throws Exception {
    return cluster.start(name, Map.of("baton.site", site));
  }

  private void awaitLeader(String name) {
    cluster.awaitLeader(name);
  }

  private void awaitRunsBy(String node) {
    LocalDateTime from = LocalDateTime.now(ZoneOffset.UTC);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        db.rows("SELECT run_id FROM chain_run WHERE node = ? AND start_time > ?", node, from).size() >= 3);
  }
}
