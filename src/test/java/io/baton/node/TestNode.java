package io.baton.node;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.db.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real node for integration tests: its own MariaDB database created with the original DDL
 * verbatim, its own home folder with scripts, fast poll intervals. SQL helpers insert chains the
 * way an operator would and read back what Baton recorded.
 */
final class TestNode implements AutoCloseable {
  final String url;
  final Path home;
  private final Map<String, Object> overrides = new HashMap<>();
  private Node node;

  private TestNode(String url, Path home) {
    this.url = url;
    this.home = home;
    overrides.put("baton.home", home.toString());
    overrides.put("baton.node-name", "it-node");
    overrides.put("baton.catalog.poll-interval", "300ms");
    overrides.put("baton.dependency.poll-interval", "500ms");
    overrides.put("baton.heartbeat-interval", "500ms");
    overrides.put("baton.exec.kill-grace", "1s");
    overrides.put("baton.shutdown-grace", "2s");
    overrides.put("baton.http.port", 0); // nodes of a test share the host
    if (url != null) {
      overrides.put("baton.db.main.url", url);
    }
  }

  /** A node on a fresh MariaDB database that already holds the original tables. */
  static TestNode onMariaDb(Path home) throws IOException {
    String url = TestDatabases.createMariaDb();
    TestDatabases.createOriginalTables(url);
    TestNode node = new TestNode(url, home);
    node.writeStandardScripts();
    return node;
  }

  /** A node on the embedded database (no url configured). */
  static TestNode embedded(Path home) throws IOException {
    TestNode node = new TestNode(null, home);
    node.writeStandardScripts();
    return node;
  }

  TestNode with(String key, Object value) {
    overrides.put(key, value);
    return this;
  }

  Map<String, Object> overrides() {
    return Map.copyOf(overrides);
  }

  BatonSettings settings() {
    return BatonSettings.from(ConfigFactory.parseMap(overrides).withFallback(ConfigLoader.load(null, Map.of())));
  }

  TestNode start() {
    return start(java.time.Clock.systemUTC());
  }

  TestNode start(java.time.Clock clock) {
    node = Node.start(settings(), clock);
    return this;
  }

  /** The base address of the running node's HTTP API. */
  String api() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  void stop() throws Exception {
    if (node != null) {
      node.stop();
      node = null;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    if (url != null) {
      TestDatabases.drop(url);
    }
  }

  // ---- scripts ----------------------------------------------------------------------------------

  void script(String folder, String name, String body) throws IOException {
    Path file = home.resolve(folder).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void writeStandardScripts() throws IOException {
    script("jobs", "ok.sh", "echo ok");
    script("jobs", "fail.sh", "echo 'starting the load'\necho 'table orders is locked' >&2\nexit 3");
    script("jobs", "sleep.sh", "sleep \"$1\"");
    script("dependent", "pass.sh", "exit 0");
    script("dependent", "never.sh", "exit 1");
    script("dependent", "broken.sh", "echo 'upstream file is corrupt' >&2\nexit 2");
    // passes at its second check within a run
    script("dependent", "second.sh", "m=\".second-$BATON_RUN_ID\"\n"
        + "if [ -e \"$m\" ]; then exit 0; fi\n: > \"$m\"\nexit 1");
  }

  // ---- SQL ------------------------------------------------------------------------------------

  Connection connect() throws SQLException {
    return url != null
        ? DriverManager.getConnection(url, TestDatabases.USER, TestDatabases.PASSWORD)
        : DriverManager.getConnection(io.baton.db.Database.embeddedUrl(home.resolve("data")), "sa", "");
  }

  long insert(String sql, Object... args) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(ps, args);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        return keys.next() ? keys.getLong(1) : -1;
      }
    }
  }

  int update(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          out.add(row);
        }
        return out;
      }
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof java.time.LocalDateTime t) {
        // as text: Connector/J, taking MariaDB for MySQL 5.5, would drop the fraction of a second
        ps.setString(i + 1, t.format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS")));
      } else {
        ps.setObject(i + 1, args[i]);
      }
    }
  }

  long chain(String desc, int steps, String timestr, double depOt) throws SQLException {
    return insert("INSERT INTO jobchain_table (job_desc, total_stpes, timestr, dep_ot) VALUES (?, ?, ?, ?)",
        desc, steps, timestr, depOt);
  }

  long job(long chainId, String command, int level, String ottime) throws SQLException {
    return insert("INSERT INTO jobtable (job_chain_id, env, command, step_lvl, ottime) VALUES (?, NULL, ?, ?, ?)",
        chainId, command, level, ottime);
  }

  long dependency(long chainId, String command, int ottime) throws SQLException {
    return insert("INSERT INTO deptable (jobchainid, env, command, ottime) VALUES (?, NULL, ?, ?)",
        chainId, command, ottime);
  }

  List<Map<String, Object>> runs(long chainId) throws SQLException {
    return rows("SELECT * FROM chain_run WHERE chain_id = ? ORDER BY scheduled_time", chainId);
  }

  List<Map<String, Object>> messages(String containing) throws SQLException {
    return rows("SELECT run_id, msg FROM schedulerMessage WHERE msg LIKE ? ORDER BY id", "%" + containing + "%");
  }

  /** Waits (polling, 30 s at most) until the chain has a finished run, and returns the first. */
  Map<String, Object> firstFinishedRun(long chainId) {
    return awaitRuns(chainId, runs -> runs.stream().anyMatch(TestNode::finished)).stream()
        .filter(TestNode::finished).findFirst().orElseThrow();
  }

  List<Map<String, Object>> awaitRuns(long chainId, Predicate<List<Map<String, Object>>> condition) {
    List<List<Map<String, Object>>> last = new ArrayList<>(List.of(List.of()));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      last.set(0, runs(chainId));
      return condition.test(last.get(0));
    });
    return last.get(0);
  }

  static boolean finished(Map<String, Object> run) {
    return run.get("end_time") != null && !"RUNNING".equals(run.get("status"));
  }
}
