package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.config.HostName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes never run under one name: the second is refused while the first lives, whatever their timing. */
class NodeNameIT {
  @TempDir Path home;
  private TestNode db;
  private final List<NodeProcess> nodes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    db = TestNode.onMariaDb(home);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (NodeProcess n : nodes) {
      n.kill();
    }
    db.close();
  }

  @Test
  void withoutAConfiguredNameANodeIsNamedAfterItsHost() throws Exception {
    Map<String, Object> defaultName = new HashMap<>();
    defaultName.put("baton.node-name", null);
    NodeProcess node = track(NodeProcess.start(db, defaultName, Map.of(), "node"));

    String expected = HostName.get().length() > 45 ? HostName.get().substring(0, 45) : HostName.get();
    assertEquals(List.of(expected), db.rows("SELECT name FROM realtime_status WHERE name <> 'baton-lease'").stream()
        .map(r -> r.get("name")).toList());
    assertTrue(node.log().contains("node " + expected + " started"), node.log());
  }

  @Test
  void aSecondNodeUnderALiveNodesNameIsRefusedWithOneLine() throws Exception {
    NodeProcess first = track(NodeProcess.start(db, Map.of("baton.node-name", "twin"), Map.of(), "first"));

    NodeProcess second = track(NodeProcess.launch(db, Map.of("baton.node-name", "twin"), Map.of(), "second"));

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
    io.baton.db.Database.open(db.url, io.baton.db.TestDatabases.USER, io.baton.db.TestDatabases.PASSWORD, null).close();
    db.update("INSERT INTO realtime_status (name, debugmode, pid_index, node_host, index_last_ping_time)"
        + " VALUES ('elsewhere', 'info', 4242, 'db-host-7', CURRENT_TIMESTAMP)");

    NodeProcess node = track(NodeProcess.launch(db, Map.of("baton.node-name", "elsewhere"), Map.of(), "node"));

    assertEquals(2, node.exitCode(), node.log());
    assertTrue(node.log().contains("node 'elsewhere' is already running on host db-host-7 (pid 4242"), node.log());
  }

  @Test
  void aRestartRightAfterKillMinus9IsNotRefused() throws Exception {
    NodeProcess first = NodeProcess.start(db, Map.of("baton.node-name", "phoenix"), Map.of(), "first");
    first.kill();

    NodeProcess again = track(NodeProcess.start(db, Map.of("baton.node-name", "phoenix"), Map.of(), "again"));

    assertTrue(again.alive(), again.log());
  }

  @Test
  void nodesStartingAtTheSameMomentUnderOneNameLeaveExactlyOneRunning() throws Exception {
    List<NodeProcess> racers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      racers.add(track(NodeProcess.launch(db, Map.of("baton.node-name", "racer"), Map.of(), "racer-" + i)));
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

  private NodeProcess track(NodeProcess node) {
    nodes.add(node);
    return node;
  }
}
