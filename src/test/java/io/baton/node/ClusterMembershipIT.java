package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes of one database find each other through realtime_status and form one cluster, with real node processes. */
@RunsAlone
class ClusterMembershipIT {
  static final Duration TTL = Duration.ofSeconds(4);
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.lease.ttl", TTL.toMillis() + "ms");

  private Map<String, String> membersSeenBy(String asking) throws Exception {
    return db.membersSeenBy(asking);
  }

  private String clusterAddress(String node) {
    return (String) db.one("SELECT cluster_address FROM realtime_status WHERE name = ?", node);
  }

  @Test
  void nodesStartedOneAfterAnotherFormOneClusterAndANodeKilledAndStartedAgainRejoinsIt() throws Exception {
    // (FailoverIT kills and starts nodes again ten times; this test reads how the status shows it)
    NodeProcess a = db.startNamed("node-a");
    await().atMost(Duration.ofSeconds(30)).until(() -> a.log().contains("forms a cluster of one"));
    db.startNamed("node-b");
    NodeProcess c = db.startNamed("node-c");

    Map<String, String> allUp = Map.of("node-a", "up", "node-b", "up", "node-c", "up");
    for (String asking : new String[] {"node-a", "node-b", "node-c"}) {
      await().atMost(Duration.ofSeconds(30)).until(() -> membersSeenBy(asking).equals(allUp));
    }
    assertTrue(clusterAddress("node-b").startsWith("pekko://baton@127.0.0.1:"), clusterAddress("node-b"));
    assertTrue(c.log().contains("cluster: joining the live nodes"), "node-c joined the nodes it found");

    String killedAt = clusterAddress("node-c");
    c.kill();
    await().atMost(Duration.ofSeconds(30)).until(() -> "unreachable".equals(membersSeenBy("node-a").get("node-c")));

    NodeProcess again = db.startNamed("node-c");
    assertNotEquals(killedAt, clusterAddress("node-c"), "a new process, at a new address");
    await().atMost(Duration.ofSeconds(40)).until(() -> membersSeenBy("node-a").equals(allUp));
    await().atMost(Duration.ofSeconds(30)).until(() -> membersSeenBy("node-c").equals(allUp));
    assertEquals(0, again.log().split("forms a cluster of one", -1).length - 1, "it joined the others' cluster");
  }

  @Test
  void twoNodesStartedTogetherFormOneCluster() throws Exception {
    NodeProcess a = db.launchProcess("node-a", Map.of("baton.node-name", "node-a"), Map.of());
    NodeProcess b = db.launchProcess("node-b", Map.of("baton.node-name", "node-b"), Map.of());
    a.awaitStarted();
    b.awaitStarted();
    Map<String, String> bothUp = Map.of("node-a", "up", "node-b", "up");
    await().atMost(Duration.ofSeconds(30)).until(() -> membersSeenBy("node-a").equals(bothUp));
    await().atMost(Duration.ofSeconds(30)).until(() -> membersSeenBy("node-b").equals(bothUp));
  }
}
