package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Commands sent to any node are carried out once by the node that runs the chains, also when the
 * leader dies between accepting and carrying out: two nodes in JVMs of their own on MariaDB.
 */
@RunsAlone
class CommandFailoverIT {
  static final Duration TTL = Duration.ofSeconds(4);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");
  long chain;

  @BeforeEach
  void setUp() {
    chain = db.chainOff("commanded", 1, "@yearly");
    db.job(chain, "ok.sh", 1, "60");
  }

  private List<Map<String, Object>> manualRuns() throws Exception {
    return db.rows("SELECT * FROM chain_run WHERE chain_id = ? AND trigger_type = 'MANUAL'", chain);
  }

  /**
   * A trigger sent to the standby is handled once by the leader's command desk and carried out by
   * the chain's host (its shard went one way or the other when the standby joined); the node that
   * does not host it serves the run's log from the one that does.
   */
  @Test
  void aTriggerSentToTheStandbyIsCarriedOutOnceByTheChainsHostAndItsLogIsServedByTheOtherNode() throws Exception {
    db.startLeader("leader-a");
    // logs in a folder of its own, as on another host: neither node can read the other's files
    db.startNamed("standby-b", Map.of("baton.logs-dir", db.home().resolve("logs-b").toString()));
    db.awaitShardsSpread("leader-a", "standby-b");
    String host = (String) db.one("SELECT lease_holder FROM baton_lease WHERE lease_name = ?",
        NodeFixture.shardLease(chain));
    String standby = db.api("standby-b");
    String other = db.api(host.equals("leader-a") ? "standby-b" : "leader-a");
    await().atMost(Duration.ofSeconds(30)).until(() -> ApiCalls.get(standby, "/api/v1/chains/" + chain).status() == 200);

    ApiCalls.Reply reply = ApiCalls.post(standby, "/api/v1/chains/" + chain + "/trigger", "{}");

    assertEquals(200, reply.status(), reply.text());
    assertEquals("leader-a", reply.json().get("handledBy").asText());
    long runId = Long.parseLong(reply.json().get("runId").asText());
    await().atMost(Duration.ofSeconds(30)).until(() -> manualRuns().stream().allMatch(NodeFixture::finished)
        && !manualRuns().isEmpty());
    List<Map<String, Object>> runs = manualRuns();
    assertEquals(1, runs.size(), runs.toString());
    assertEquals(runId, ((Number) runs.get(0).get("run_id")).longValue());
    assertEquals(host, runs.get(0).get("node"));
    assertEquals("SUCCESS", runs.get(0).get("status"));

    long job = ((Number) db.rows("SELECT ref_id FROM job_run WHERE run_id = ?", runId).get(0).get("ref_id"))
        .longValue();
    ApiCalls.Reply log = ApiCalls.get(other, "/api/v1/runs/" + runId + "/logs?job=" + job);
    assertEquals(200, log.status(), log.text());
    assertEquals("ok", log.text().strip(), "ok.sh's output, fetched from " + host);
  }

  @Test
  void aCommandAcceptedJustBeforeTheLeaderIsKilledIsCarriedOutOnceByTheNextLeader() throws Exception {
    NodeProcess leader = db.startLeader("leader-a");
    db.startNamed("standby-b");
    String standby = db.api("standby-b");
    await().atMost(Duration.ofSeconds(30)).until(() -> ApiCalls.get(standby, "/api/v1/chains/" + chain).status() == 200);

    leader.pause(); // it can no longer read the command: accepted, not carried out
    try {
      ApiCalls.post(standby, "/api/v1/chains/" + chain + "/trigger", "{}", Map.of(), Duration.ofSeconds(2));
    } catch (HttpTimeoutException expected) {
      // the caller gave up waiting; the command is durable all the same
    }
    List<Map<String, Object>> accepted = db.rows("SELECT * FROM baton_command WHERE chain_id = ?", chain);
    assertEquals(1, accepted.size());
    assertEquals("PENDING", accepted.get(0).get("state"));
    leader.kill();

    db.awaitLeader("standby-b");
    await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(db.rows(
        "SELECT state FROM baton_command WHERE chain_id = ?", chain).get(0).get("state")));
    Map<String, Object> command = db.rows("SELECT * FROM baton_command WHERE chain_id = ?", chain).get(0);
    assertEquals("standby-b", command.get("handled_by"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !manualRuns().isEmpty()
        && manualRuns().stream().allMatch(NodeFixture::finished));
    List<Map<String, Object>> runs = manualRuns();
    assertEquals(1, runs.size(), "carried out once: " + runs);
    assertEquals("standby-b", runs.get(0).get("node"));
    assertEquals(((Number) command.get("result_run_id")).longValue(), ((Number) runs.get(0).get("run_id")).longValue());
    assertTrue(db.messages("asked by api@127.0.0.1").size() == 1);
  }
}
