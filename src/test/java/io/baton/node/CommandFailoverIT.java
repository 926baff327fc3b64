package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands sent to any node are carried out once by the node that runs the chains, also when the
 * leader dies between accepting and carrying out: two nodes in JVMs of their own on MariaDB.
 */
class CommandFailoverIT {
  static final Duration TTL = Duration.ofSeconds(4);
  @TempDir Path home;
  TestCluster cluster;
  long chain;

  @BeforeEach
  void setUp() throws Exception {
    TestNode db = TestNode.onMariaDb(home).with("baton.lease.ttl", TTL.toMillis() + "ms");
    cluster = new TestCluster(db);
    chain = db.chain("commanded", 1, "@yearly", 0);
    db.update("UPDATE jobchain_table SET switch = 'OFF' WHERE id = ?", chain);
    db.job(chain, "ok.sh", 1, "60");
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  private List<Map<String, Object>> manualRuns() throws Exception {
    return cluster.db.rows("SELECT * FROM chain_run WHERE chain_id = ? AND trigger_type = 'MANUAL'", chain);
  }

  @Test
  void aTriggerSentToTheStandbyIsCarriedOutOnceByTheLeaderAndItsLogIsServedByTheNodeThatHasIt() throws Exception {
    cluster.start("leader-a");
    cluster.awaitLeader("leader-a");
    // logs in a folder of its own, as on another host: the standby cannot read the leader's files
    cluster.start("standby-b", Map.of("baton.logs-dir", home.resolve("logs-b").toString()));
    String standby = cluster.api("standby-b");
    await().atMost(Duration.ofSeconds(30)).until(() -> ApiCalls.get(standby, "/api/v1/chains/" + chain).status() == 200);

    ApiCalls.Reply reply = ApiCalls.post(standby, "/api/v1/chains/" + chain + "/trigger", "{}");

    assertEquals(200, reply.status(), reply.text());
    assertEquals("leader-a", reply.json().get("handledBy").asText());
    long runId = Long.parseLong(reply.json().get("runId").asText());
    await().atMost(Duration.ofSeconds(30)).until(() -> manualRuns().stream().allMatch(TestNode::finished)
        && !manualRuns().isEmpty());
    List<Map<String, Object>> runs = manualRuns();
    assertEquals(1, runs.size(), runs.toString());
    assertEquals(runId, ((Number) runs.get(0).get("run_id")).longValue());
    assertEquals("leader-a", runs.get(0).get("node"));
    assertEquals("SUCCESS", runs.get(0).get("status"));

    long job = ((Number) cluster.db.rows("SELECT ref_id FROM job_run WHERE run_id = ?", runId).get(0).get("ref_id"))
        .longValue();
    ApiCalls.Reply log = ApiCalls.get(standby, "/api/v1/runs/" + runId + "/logs?job=" + job);
    assertEquals(200, log.status(), log.text());
    assertEquals("ok", log.text().strip(), "ok.sh's output, fetched from leader-a");
  }

  @Test
  void aCommandAcceptedJustBeforeTheLeaderIsKilledIsCarriedOutOnceByTheNextLeader() throws Exception {
    NodeProcess leader = cluster.start("leader-a");
    cluster.awaitLeader("leader-a");
    cluster.start("standby-b");
    String standby = cluster.api("standby-b");
    await().atMost(Duration.ofSeconds(30)).until(() -> ApiCalls.get(standby, "/api/v1/chains/" + chain).status() == 200);

    leader.pause(); // it can no longer read the command: accepted, not carried out
    try {
      ApiCalls.post(standby, "/api/v1/chains/" + chain + "/trigger", "{}", Map.of(), Duration.ofSeconds(2));
    } catch (HttpTimeoutException expected) {
      // the caller gave up waiting; the command is durable all the same
    }
    List<Map<String, Object>> accepted = cluster.db.rows("SELECT * FROM baton_command WHERE chain_id = ?", chain);
    assertEquals(1, accepted.size());
    assertEquals("PENDING", accepted.get(0).get("state"));
    leader.kill();

    cluster.awaitLeader("standby-b");
    await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(cluster.db.rows(
        "SELECT state FROM baton_command WHERE chain_id = ?", chain).get(0).get("state")));
    Map<String, Object> command = cluster.db.rows("SELECT * FROM baton_command WHERE chain_id = ?", chain).get(0);
    assertEquals("standby-b", command.get("handled_by"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !manualRuns().isEmpty()
        && manualRuns().stream().allMatch(TestNode::finished));
    List<Map<String, Object>> runs = manualRuns();
    assertEquals(1, runs.size(), "carried out once: " + runs);
    assertEquals("standby-b", runs.get(0).get("node"));
    assertEquals(((Number) command.get("result_run_id")).longValue(), ((Number) runs.get(0).get("run_id")).longValue());
    assertTrue(cluster.db.messages("asked by api@127.0.0.1").size() == 1);
  }
}
