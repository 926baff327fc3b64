package io.baton.node;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Node processes on one test database, each in a JVM of its own; all are killed (resumed first) at close. */
final class TestCluster implements AutoCloseable {
  final TestNode db;
  private final List<NodeProcess> nodes = new ArrayList<>();

  TestCluster(TestNode db) {
    this.db = db;
  }

  NodeProcess start(String name) throws Exception {
    return start(name, Map.of());
  }

  /** Starts node {@code name} with {@code extra} settings; its output goes to {@code <name>-<n>.log}. */
  NodeProcess start(String name, Map<String, Object> extra) throws Exception {
    Map<String, Object> settings = new HashMap<>(extra);
    settings.put("baton.node-name", name);
    return track(NodeProcess.start(db, settings, name + "-" + nodes.size()));
  }

  NodeProcess track(NodeProcess node) {
    nodes.add(node);
    return node;
  }

  /** The base address of node {@code name}'s HTTP API, as its realtime_status row advertises it. */
  String api(String name) {
    String[] address = {null};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      address[0] = db.rows("SELECT http_address FROM realtime_status WHERE name = ?", name).stream()
          .findFirst().map(r -> (String) r.get("http_address")).orElse(null);
      return address[0] != null;
    });
    return address[0];
  }

  /** Waits until {@code name} holds an unexpired lease. */
  void awaitLeader(String name) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> name.equals(db.rows(
        "SELECT lease_holder FROM realtime_status WHERE name = 'baton-lease' AND lease_until > CURRENT_TIMESTAMP(3)")
        .stream().findFirst().map(r -> r.get("lease_holder")).orElse(null)));
  }

  @Override
  public void close() throws Exception {
    for (NodeProcess n : nodes) {
      if (n.alive()) {
        n.resume();
        n.kill();
      }
    }
    db.close();
  }
}
