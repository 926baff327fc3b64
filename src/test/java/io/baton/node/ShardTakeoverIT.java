package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chains of a node frozen past its shard leases, or cut off from the database, run on the
 * other node, and the stale node starts nothing; main and bkp sites host chains by their flags.
 * Real node processes.
 */
@RunsAlone
class ShardTakeoverIT {
  static final Duration TTL = Duration.ofSeconds(4);
  static final Map<String, Object> MAIN = Map.of("baton.site", "main");
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");

  @Test
  void aNodeFrozenPastItsLeasesStartsNothingWhenItResumesAndItsChainsRunOnTheOther() throws Exception {
    NodeProcess a = db.startNamedTogether(NodeFixture.inOrder("node-a", MAIN, "node-b", MAIN)).get("node-a");
    db.awaitShardsSpread("node-a", "node-b");
    List<Long> chains = chainsOnBoth("sleep.sh 0.3", "node-a", "node-b", 4);
    awaitRunsBy("node-a");
    awaitRunsBy("node-b");

    a.pause();
    Instant paused = Instant.now();
    // node-a stays frozen for three times its lease: the cluster downs it, and node-b takes its shards
    await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(paused.plus(TTL.multipliedBy(3))));
    for (long chain : chains) {
      awaitRunBy(chain, "node-b", paused);
    }
    a.resume();
    LocalDateTime resumed = LocalDateTime.now(ZoneOffset.UTC);
    // the resumed node learns it was downed and starts a new node in its place, as a new member
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> a.log().contains("starting it again to join the cluster anew"));
    LocalDateTime restarting = LocalDateTime.now(ZoneOffset.UTC);

    assertEquals(List.of(), db.rows("SELECT run_id FROM chain_run WHERE node = 'node-a' AND start_time BETWEEN ? AND ?",
        resumed, restarting), "no run started by the resumed node");
    assertEquals(List.of(), db.rows("SELECT run_id FROM job_run WHERE node = 'node-a' AND start_time BETWEEN ? AND ?",
        resumed, restarting), "no process started by the resumed node");
    db.awaitOneCluster("node-a", "node-b");
    for (long chain : chains) {
      db.assertNoFireTwice(chain);
    }
    assertTrue(a.alive(), "the same process, as a new member");
  }

  @Test
  void mainChainsRunOnMainNodesAndBkpChainsOnBkpNodesWhenNoMainNodeIsLeft() throws Exception {
    NodeProcess main = db.startNamed("node-main", MAIN);
    db.startNamed("node-bkp", Map.of("baton.site", "bkp"));
    long mainChain = db.chainOfOneJob("main only", "@every 1s", "ok.sh");
    long bkpChain = db.chain("bkp only", 1, "@every 1s", 0);
    db.update("UPDATE jobchain_table SET main_flag = 0, BKP_flag = 1 WHERE id = ?", bkpChain);
    db.job(bkpChain, "ok.sh", 1, "30"); // only now can it run: it was never a main chain with jobs
    db.awaitRuns(mainChain, runs -> runs.size() >= 3);

    main.kill();
    db.awaitRuns(bkpChain, runs -> runs.size() >= 3);

    NodeProcess back = db.startNamed("node-main", MAIN); // takes the shards back from the bkp node
    int before = db.runs(mainChain).size();
    db.awaitRuns(mainChain, runs -> runs.size() >= before + 3);

    assertEquals(List.of(), db.rows("SELECT node FROM chain_run WHERE chain_id = ? AND node <> 'node-main'", mainChain));
    assertEquals(List.of(), db.rows("SELECT node FROM chain_run WHERE chain_id = ? AND node <> 'node-bkp'", bkpChain));
    assertTrue(back.alive());
  }

  @Test
  void aNodeCutOffFromTheDatabaseStopsFiringBeforeItsLeasesExpireAndItsChainsRunOnTheOther() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      NodeProcess a = db.startNamedTogether(NodeFixture.inOrder("node-a", Map.of("baton.db.main.url", db.urlVia(proxy)),
          "node-b", MAIN)).get("node-a");
      db.awaitShardsSpread("node-a", "node-b");
      List<Long> chains = chainsOnBoth("ok.sh", "node-a", "node-b", 4);
      awaitRunsBy("node-a");
      awaitRunsBy("node-b");

      Instant until = ((java.sql.Timestamp) db.one("SELECT MAX(lease_until) FROM baton_lease"
          + " WHERE lease_holder = 'node-a'")).toInstant();
      proxy.cut();
      Instant cut = Instant.now();
      for (long chain : chains) {
        awaitRunBy(chain, "node-b", cut);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("cut off from the database"));
      proxy.restore();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> a.log().contains("starting it again to join the cluster anew"));
      LocalDateTime restarting = LocalDateTime.now(ZoneOffset.UTC);

      LocalDateTime expiry = LocalDateTime.ofInstant(until, ZoneOffset.UTC);
      assertEquals(List.of(), db.rows("SELECT run_id, start_time FROM chain_run WHERE node = 'node-a'"
          + " AND start_time >= ? AND start_time < ?", expiry, restarting),
          "node-a fired nothing after its leases could have expired");
      for (long chain : chains) {
        db.assertNoFireTwice(chain);
      }
    }
  }

  @Test
  void aMainNodeCutOffFromTheDatabaseLeavesItsChainsToTheBkpNodeAndTakesThemBackAfter() throws Exception {
    try (TcpProxy proxy = new TcpProxy(3306)) {
      NodeProcess main = db.startNamed("node-main", Map.of("baton.site", "main", "baton.db.main.url", db.urlVia(proxy)));
      db.startNamed("node-bkp", Map.of("baton.site", "bkp"));
      long chain = db.chain("either site", 1, "@every 1s", 0);
      db.update("UPDATE jobchain_table SET main_flag = 1, BKP_flag = 1 WHERE id = ?", chain);
      db.job(chain, "ok.sh", 1, "30");
      awaitRunBy(chain, "node-main", Instant.now());

      // the main node stays a member of the cluster, but hosts nothing: the bkp site is the active one
      proxy.cut();
      awaitRunBy(chain, "node-bkp", Instant.now());
      proxy.restore();
      Instant restored = Instant.now();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> main.log().contains("starting it again to join the cluster anew"));
      awaitRunBy(chain, "node-main", restored);
      db.assertNoFireTwice(chain);
    }
  }

  /**
   * Chains of one job every second, until {@code each} of them lie in shards held by each node: a
   * chain's shard is its id modulo the shard count, so the first few ids may all fall to one node.
   */
  private List<Long> chainsOnBoth(String job, String a, String b, int each) throws Exception {
    List<Long> chains = new ArrayList<>();
    java.util.Map<Object, Integer> onNode = new java.util.HashMap<>();
    while (onNode.getOrDefault(a, 0) < each || onNode.getOrDefault(b, 0) < each) {
      long chain = db.chain("chain " + chains.size(), 1, "@every 1s", 0);
      db.job(chain, job, 1, "30");
      chains.add(chain);
      onNode.merge(db.one("SELECT lease_holder FROM baton_lease WHERE lease_name = ?", NodeFixture.shardLease(chain)),
          1, Integer::sum);
      assertTrue(chains.size() <= ChainShards.COUNT, "the nodes hold no shards of their own: " + onNode);
    }
    return chains;
  }

  private void awaitRunsBy(String node) {
    LocalDateTime from = LocalDateTime.now(ZoneOffset.UTC);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        db.rows("SELECT run_id FROM chain_run WHERE node = ? AND start_time > ?", node, from).size() >= 3);
  }

  /** The chain has a run that {@code node} started after {@code since}. */
  private void awaitRunBy(long chain, String node, Instant since) {
    LocalDateTime from = LocalDateTime.ofInstant(since, ZoneOffset.UTC);
    await().atMost(Duration.ofSeconds(30)).until(() -> !db.rows(
        "SELECT run_id FROM chain_run WHERE chain_id = ? AND node = ? AND start_time > ?", chain, node, from).isEmpty());
  }
}
