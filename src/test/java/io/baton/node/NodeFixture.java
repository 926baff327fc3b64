package io.baton.node;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * {@link TestNode} for tests outside this package (the HTTP API and the dashboard): a real node on
 * its own MariaDB database, with the same SQL and script helpers.
 */
public final class NodeFixture implements AutoCloseable {
  private final TestNode test;
  private Node node;

  private NodeFixture(TestNode test) {
    this.test = test;
  }

  /** A node (not started yet) on a fresh MariaDB database that already holds the original tables. */
  public static NodeFixture onMariaDb(Path home) throws IOException {
    return new NodeFixture(TestNode.onMariaDb(home));
  }

  public NodeFixture with(String key, Object value) {
    test.with(key, value);
    return this;
  }

  public NodeFixture start() {
    node = Node.start(test.settings());
    return this;
  }

  public Node node() {
    return node;
  }

  public Path home() {
    return test.home;
  }

  public void script(String folder, String name, String body) throws IOException {
    test.script(folder, name, body);
  }

  public long insert(String sql, Object... args) throws SQLException {
    return test.insert(sql, args);
  }

  public int update(String sql, Object... args) throws SQLException {
    return test.update(sql, args);
  }

  public List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
    return test.rows(sql, args);
  }

  public long job(long chainId, String command, int level, String ottime) throws SQLException {
    return test.job(chainId, command, level, ottime);
  }

  @Override
  public void close() throws Exception {
    try {
      if (node != null) {
        node.stop();
        node = null;
      }
    } finally {
      test.close();
    }
  }
}
