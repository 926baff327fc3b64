package io.baton.node;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.db.Database;
import io.baton.db.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of every test that starts a node, registered with {@code @RegisterExtension}: in a
 * static field it serves the whole test class, in an instance field each test. Each gets a fresh
 * MariaDB database holding the original tables (the original DDL verbatim), or the embedded one,
 * a home folder with the standard scripts and fast poll intervals. The node runs in this JVM
 * ({@link #start()}) or as processes of the packaged jar ({@link #startProcess}); the tables are
 * written and read through {@link ChainTables}. Afterwards every process is killed, the node
 * stopped and the database dropped; a failed test's home folder (node and job logs) is kept.
 */
public final class NodeFixture extends ChainTables
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final boolean embedded;
  private final Map<String, Object> settings = new HashMap<>();
  private final List<NodeProcess> processes = new ArrayList<>();
  private boolean startsAtSetUp;
  private boolean perClass;
  private boolean failed;
  private Path home;
  private String url;
  private Node node;

  private NodeFixture(boolean embedded) {
    this.embedded = embedded;
    settings.put("baton.node-name", "it-node");
    settings.put("baton.catalog.poll-interval", "300ms");
    settings.put("baton.dependency.poll-interval", "500ms");
    settings.put("baton.heartbeat-interval", "500ms");
    settings.put("baton.exec.kill-grace", "1s");
    settings.put("baton.shutdown-grace", "2s");
    settings.put("baton.http.port", 0); // nodes of a test share the host
    settings.put("baton.cluster.port", 0);
  }

  /** A node on a fresh MariaDB database that already holds the original tables. */
  public static NodeFixture onMariaDb() {
    return new NodeFixture(false);
  }

  /** A node on the embedded database (no url configured). */
  public static NodeFixture embedded() {
    return new NodeFixture(true);
  }

  /** A setting of the node in this JVM, and the default of the node processes. */
  public NodeFixture with(String key, Object value) {
    settings.put(key, value);
    return this;
  }

  /** The node starts in this JVM before the tests (or the test) begin. */
  public NodeFixture started() {
    startsAtSetUp = true;
    return this;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    perClass = true;
    setUp();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (!perClass) {
      setUp();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    failed |= context.getExecutionException().isPresent();
    if (!perClass) {
      tearDown();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (perClass) {
      tearDown();
    }
  }

  private void setUp() throws IOException {
    home = Files.createTempDirectory("baton-node-");
    settings.put("baton.home", home.toString());
    if (!embedded) {
      url = TestDatabases.createMariaDb();
      TestDatabases.createOriginalTables(url);
      settings.put("baton.db.main.url", url);
    }
    writeStandardScripts();
    if (startsAtSetUp) {
      start();
    }
  }

  private void tearDown() throws Exception {
    try {
      for (NodeProcess process : processes) {
        process.end();
      }
      processes.clear();
      stop();
    } finally {
      if (url != null) {
        TestDatabases.drop(url);
      }
      if (!failed && home != null) {
        remove(home);
      }
    }
  }

  /** As JUnit cleans a passing test's folder; a file a leftover process still holds is left behind. */
  private static void remove(Path folder) throws IOException {
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException stillInUse) {
          // the folder stays, in the temporary directory, like a failed test's
        }
      }
    }
  }

  // ---- the node in this JVM ---------------------------------------------------------------------

  public NodeFixture start() {
    return start(Clock.systemUTC());
  }

  public NodeFixture start(Clock clock) {
    node = Node.start(BatonSettings.from(ConfigFactory.parseMap(settings)
        .withFallback(ConfigLoader.load(null, Map.of()))), clock);
    return this;
  }

  public void stop() throws Exception {
    if (node != null) {
      node.stop();
      node = null;
    }
  }

  /** The base address of the running node's HTTP API. */
  public String api() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  /** Waits (30 s at most) until the node in this JVM shows the chain in {@code state} (armed, off, held). */
  void awaitState(long chain, String state) {
    await().atMost(PATIENCE).until(() ->
        ApiCalls.get(api(), "/api/v1/chains/" + chain).text().contains("\"state\":\"" + state + "\""));
  }

  public Path home() {
    return home;
  }

  // ---- node processes ---------------------------------------------------------------------------

  /** A node in a JVM of its own with these settings, once it started; its output goes to {@code <log>.log}. */
  NodeProcess startProcess(String log) throws IOException {
    return startProcess(log, Map.of());
  }

  /** As above, with {@code extra} settings. */
  NodeProcess startProcess(String log, Map<String, Object> extra) throws IOException {
    return startProcess(log, extra, Map.of());
  }

  /** As above, with {@code environment} added to the node's environment variables. */
  NodeProcess startProcess(String log, Map<String, Object> extra, Map<String, String> environment)
      throws IOException {
    return launchProcess(log, extra, environment).awaitStarted();
  }

  /** A node in a JVM of its own, returned at once: it may yet start or refuse to. */
  NodeProcess launchProcess(String log, Map<String, Object> extra, Map<String, String> environment)
      throws IOException {
    Map<String, Object> all = new HashMap<>(settings);
    all.putAll(extra);
    NodeProcess process = NodeProcess.launch(all, environment, home, log);
    processes.add(process);
    return process;
  }

  /** Node {@code name} in a JVM of its own, once it started; its output goes to {@code <name>-<n>.log}. */
  NodeProcess startNamed(String name) throws IOException {
    return startNamed(name, Map.of());
  }

  NodeProcess startNamed(String name, Map<String, Object> extra) throws IOException {
    Map<String, Object> named = new HashMap<>(extra);
    named.put("baton.node-name", name);
    return startProcess(name + "-" + processes.size(), named);
  }

  /**
   * Nodes {@code names}, each in a JVM of its own, launched together (they form one cluster, see
   * ClusterMembershipIT), once all have started; by name, in the order given.
   */
  Map<String, NodeProcess> startNamedTogether(String... names) throws IOException {
    Map<String, Map<String, Object>> plain = new java.util.LinkedHashMap<>();
    for (String name : names) {
      plain.put(name, Map.of());
    }
    return startNamedTogether(plain);
  }

  /** As above, each node with the extra settings given with its name; launched in the map's order. */
  Map<String, NodeProcess> startNamedTogether(Map<String, Map<String, Object>> extraByName) throws IOException {
    Map<String, NodeProcess> nodes = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> node : extraByName.entrySet()) {
      Map<String, Object> named = new HashMap<>(node.getValue());
      named.put("baton.node-name", node.getKey());
      nodes.put(node.getKey(), launchProcess(node.getKey() + "-" + processes.size(), named, Map.of()));
    }
    nodes.values().forEach(NodeProcess::awaitStarted);
    return nodes;
  }

  /** Two nodes' extra settings by name, in this order (for {@link #startNamedTogether(Map)}). */
  static Map<String, Map<String, Object>> inOrder(String first, Map<String, Object> firstExtra, String second,
      Map<String, Object> secondExtra) {
    Map<String, Map<String, Object>> nodes = new java.util.LinkedHashMap<>();
    nodes.put(first, firstExtra);
    nodes.put(second, secondExtra);
    return nodes;
  }

  /** Node {@code name}, once it holds the lease. */
  NodeProcess startLeader(String name) throws IOException {
    return startLeader(name, Map.of());
  }

  NodeProcess startLeader(String name, Map<String, Object> extra) throws IOException {
    NodeProcess leader = startNamed(name, extra);
    awaitLeader(name);
    return leader;
  }

  /** The base address of node {@code name}'s HTTP API, as its realtime_status row advertises it. */
  String api(String name) {
    return (String) awaitRow("SELECT http_address FROM realtime_status WHERE name = ? AND http_address IS NOT NULL",
        name).get("http_address");
  }

  /** Waits until {@code name} holds an unexpired lease. */
  void awaitLeader(String name) {
    awaitRows(rows -> !rows.isEmpty() && name.equals(rows.get(0).get("lease_holder")),
        "SELECT lease_holder FROM realtime_status WHERE name = 'baton-lease' AND lease_until > CURRENT_TIMESTAMP(3)");
  }

  Instant leaseUntil() {
    return ((Timestamp) one("SELECT lease_until FROM realtime_status WHERE name = 'baton-lease'")).toInstant();
  }

  /** When the lease of the chain's shard expires, as it stands now. */
  Instant shardLeaseUntil(long chain) {
    return ((Timestamp) one("SELECT lease_until FROM baton_lease WHERE lease_name = ?", shardLease(chain))).toInstant();
  }

  /** The lease row of the chain's shard. */
  static String shardLease(long chain) {
    return "baton-shard-chain-" + ChainShards.shardOf(chain);
  }

  /** The node that started the chain's latest run (the host of its shard then), once it ran. */
  String hostOf(long chain) {
    return (String) awaitRow("SELECT node FROM chain_run WHERE chain_id = ? ORDER BY start_time DESC LIMIT 1", chain)
        .get("node");
  }

  /** Waits until the nodes hold every shard's lease between them, evenly (at most one apart). */
  void awaitShardsSpread(String... names) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
      java.util.Map<String, Long> held = shardsHeld();
      java.util.LongSummaryStatistics counts = held.values().stream().mapToLong(Long::longValue).summaryStatistics();
      return held.keySet().equals(java.util.Set.of(names)) && counts.getSum() == ChainShards.COUNT
          && counts.getMax() - counts.getMin() <= 1;
    });
  }

  /**
   * How many shards each node holds the unexpired lease of. A released lease (no holder) is held
   * by nobody, whatever its expiry reads: it ends at the release's start, which a clock set back
   * by the host can put in the future.
   */
  java.util.Map<String, Long> shardsHeld() {
    java.util.Map<String, Long> held = new java.util.TreeMap<>();
    for (java.util.Map<String, Object> row : rows("SELECT lease_holder, COUNT(*) n FROM baton_lease"
        + " WHERE lease_name LIKE 'baton-shard-%' AND lease_holder IS NOT NULL"
        + " AND lease_until > CURRENT_TIMESTAMP(3) GROUP BY lease_holder")) {
      held.put((String) row.get("lease_holder"), ((Number) row.get("n")).longValue());
    }
    return held;
  }

  /** Each node's name and its cluster membership as node {@code asking} reports it in its status. */
  java.util.Map<String, String> membersSeenBy(String asking) throws Exception {
    com.fasterxml.jackson.databind.JsonNode status = ApiCalls.get(api(asking), "/api/v1/status").json();
    java.util.Map<String, String> members = new java.util.TreeMap<>();
    for (com.fasterxml.jackson.databind.JsonNode node : status.path("nodes")) {
      members.put(node.path("name").asText(), node.path("member").asText(null));
    }
    return members;
  }

  /** Waits until each of the nodes sees every one of them up in one cluster. */
  void awaitOneCluster(String... names) {
    java.util.Map<String, String> allUp = new java.util.TreeMap<>();
    for (String name : names) {
      allUp.put(name, "up");
    }
    for (String asking : names) {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).ignoreExceptions()
          .until(() -> membersSeenBy(asking).entrySet().containsAll(allUp.entrySet()));
    }
  }

  // ---- scripts ----------------------------------------------------------------------------------

  public void script(String folder, String name, String body) throws IOException {
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

  // ---- the database -----------------------------------------------------------------------------

  /** The test database's Connector/J url. */
  public String url() {
    return url;
  }

  /** The test database's url through {@code proxy}, which a test can cut. */
  String urlVia(TcpProxy proxy) {
    return url.replace("127.0.0.1:3306", "127.0.0.1:" + proxy.port());
  }

  /** Baton's own tables, created now as a node's first start would create them. */
  public void migrate() {
    Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null).close();
  }

  @Override
  protected Connection connect() throws SQLException {
    return embedded
        ? DriverManager.getConnection(Database.embeddedUrl(home.resolve("data")), "sa", "")
        : DriverManager.getConnection(url, TestDatabases.USER, TestDatabases.PASSWORD);
  }
}
