package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.config.HostName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes never run under one name: the second is refused while the first lives, whatever their timing. */
class NodeNameIT {
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb();

  @Test
  void withoutAConfiguredNameANodeIsNamedAfterItsHost() throws Exception {
    Map<String, Object> defaultName = new HashMap<>();
    defaultName.put("baton.node-name", null);
    NodeProcess node = db.startProcess("node", defaultName);

    String expected = HostName.get().length() > 45 ? HostName.get().substring(0, 45) : HostName.get();
    assertEquals(List.of(expected), db.rows("SELECT name FROM realtime_status WHERE name <> 'baton-lease'").stream()
        .map(r -> r.get("name")).toList());
    assertTrue(node.log().contains("node " + expected + " started"), node.log());
  }

  @Test
  void aSecondNodeUnderALiveNodesNameIsRefusedWithOneLine() throws Exception {
    NodeProcess first = db.startProcess("first", Map.of("baton.node-name", "twin"));

    NodeProcess second = db.launchProcess("second", Map.of("baton.node-name", "twin"), Map.of());

    assertEquals(2, second.exitCode(), second.log());
    List<String> lines = second.log().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(List.of("baton: cannot start: node 'twin' is already running on host " + HostName.get()
        + " (pid " + first.pid() + ", last heartbeat "), lines.stream().map(l -> l.replaceFirst("heartbeat .*", "heartbeat "))
        .toList(), second.log());
    assertTrue(first.alive());
    assertEquals(1, db.rows("SELECT id FROM realtime_status WHERE name = 'twin'").size());
  }

  @Test
  void aNodeOnAnotherHostWithALiveHeartbeatKeepsItsName() throws Exception {
    db.migrate();
    db.update("INSERT INTO realtime_status (name, debugmode, pid_index, node_host, index_last_ping_time)"
        + " VALUES ('elsewhere', 'info', 4242, 'db-host-7', CURRENT_TIMESTAMP)");

    NodeProcess node = db.launchProcess("node", Map.of("baton.node-name", "elsewhere"), Map.of());

    assertEquals(2, node.exitCode(), node.log());
    assertTrue(node.log().contains("node 'elsewhere' is already running on host db-host-7 (pid 4242"), node.log());
  }

  @Test
  void aRestartRightAfterKillMinus9IsNotRefused() throws Exception {
    NodeProcess first = db.startProcess("first", Map.of("baton.node-name", "phoenix"));
    first.kill();

    NodeProcess again = db.startProcess("again", Map.of("baton.node-name", "phoenix"));

    assertTrue(again.alive(), again.log());
  }

  @Test
  void nodesStartingAtTheSameMomentUnderOneNameLeaveExactlyOneRunning() throws Exception {
    List<NodeProcess> racers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      racers.add(db.launchProcess("racer-" + i, Map.of("baton.node-name", "racer"), Map.of()));
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> racers.stream().allMatch(r -> {
      String log = r.logQuietly();
      return log.contains("started (site") || !r.alive();
    }));

    List<NodeProcess> running = racers.stream().filter(NodeProcess::alive).toList();
    assertEquals(1, running.size(), racers.stream().map(NodeProcess::logQuietly).collect(Collectors.joining("\n---\n")));
    for (NodeProcess r : racers) {
      if (!r.alive()) {
        assertEquals(2, r.exitCode(), r.log());
        assertTrue(r.log().contains("node 'racer' is already running on host"), r.log());
      }
    }
    assertEquals(String.valueOf(running.get(0).pid()),
        String.valueOf(db.rows("SELECT pid_index FROM realtime_status WHERE name = 'racer'").get(0).get("pid_index")));
  }
}
