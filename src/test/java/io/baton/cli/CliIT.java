package io.baton.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.node.NodeFixture;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI verbs, run as separate processes against a real node on MariaDB: what an operator sees. */
class CliIT {
  /** Never fires while the test runs: every run here is asked for. */
  private static final String RARELY = "@every 1000h";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final NodeFixture node = NodeFixture.onMariaDb();
  @TempDir static Path workDir;
  static String url;
  static BatonCli cli;

  @BeforeAll
  static void startNode() throws Exception {
    // writes a line, waits until the file named by $1 exists, writes another
    node.script("jobs", "gate.sh", "echo 'before the gate'\nwhile [ ! -e \"$1\" ]; do sleep 0.1; done\n"
        + "echo 'after the gate'");
    node.start();
    url = node.api();
    cli = new BatonCli(workDir);
  }

  @Test
  void statusShowsThisNodeAsLeaderAndTheChainCounts() throws Exception {
    BatonCli.Result status = baton("status");
    assertEquals(0, status.exit(), status.toString());
    assertTrue(status.out().contains("it-node") && status.out().contains("leader"), status.toString());
    assertTrue(status.out().contains("chains: "), status.toString());
    JsonNode json = json(baton("status", "--json"));
    assertEquals("it-node", json.path("nodes").get(0).path("name").asText());
    assertTrue(json.path("chains").has("total"), json.toString());
  }

  @Test
  void chainsListsAChainWithItsDescriptionAndPages() throws Exception {
    long first = chain("cli: nightly orders load", "ok.sh").id();
    long second = chain("cli: nightly invoices load", "ok.sh").id();
    BatonCli.Result chains = baton("chains");
    assertEquals(0, chains.exit(), chains.toString());
    assertTrue(chains.out().lines().anyMatch(l -> l.startsWith(first + " ") && l.contains("cli: nightly orders load")
        && l.contains(RARELY) && l.contains("armed")), chains.toString());
    JsonNode json = json(baton("chains", "--q", "NIGHTLY", "--json"));
    assertEquals(2, json.path("total").asInt(), json.toString());
    assertEquals(first, json.path("chains").get(0).path("id").asLong());
    BatonCli.Result page = baton("chains", "--q", "nightly", "--limit", "1", "--offset", "1");
    assertTrue(page.out().contains(Long.toString(second)) && page.out().contains("showing 2-2 of 2"), page.toString());
  }

  @Test
  void aTriggeredRunIsFollowedShownAndListed() throws Exception {
    Path gate = workDir.resolve("gate-open");
    Chain gated = chain("cli: gated", "gate.sh " + gate);
    long chain = gated.id();
    long job = gated.job();
    JsonNode triggered = json(baton("trigger", Long.toString(chain), "--json"));
    String run = triggered.path("runId").asText();
    assertTrue(triggered.path("outcome").asText().contains("MANUAL"), triggered.toString());

    BatonCli.Result again = baton("trigger", Long.toString(chain));
    assertEquals(1, again.exit(), "refused while the chain has an active run\n" + again);
    assertTrue(again.err().startsWith("baton: ") && again.err().contains("active run"), again.toString());

    BatonCli.Running follow = cli.start("logs", run, "--job", Long.toString(job), "--follow", "--url", url);
    await().atMost(Duration.ofSeconds(30)).until(() -> follow.outSoFar().contains("before the gate"));
    assertFalse(follow.outSoFar().contains("after the gate"));
    Files.createFile(gate); // the job writes its second line only now, while the CLI follows
    BatonCli.Result followed = follow.await(30);
    assertEquals(0, followed.exit(), followed.toString());
    assertTrue(followed.out().contains("after the gate"), followed.toString());
    assertTrue(followed.out().strip().endsWith("after the gate"), "nothing after the end event\n" + followed);

    BatonCli.Result log = baton("logs", run, "--job", Long.toString(job));
    assertEquals(0, log.exit(), log.toString());
    assertTrue(log.out().contains("before the gate") && log.out().contains("after the gate"), log.toString());

    await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(runRow(run).get("status")));
    BatonCli.Result show = baton("show", run);
    assertEquals(0, show.exit(), show.toString());
    assertTrue(show.out().contains("level 1:") && show.out().lines().anyMatch(l -> l.trim().startsWith(job + " ")
        && l.contains("SUCCESS")), show.toString());
    JsonNode shown = json(baton("show", run, "--json"));
    assertEquals(job, shown.path("levels").get(0).path("jobs").get(0).path("jobId").asLong());

    BatonCli.Result runs = baton("runs", Long.toString(chain));
    assertEquals(0, runs.exit(), runs.toString());
    assertTrue(runs.out().lines().anyMatch(l -> l.startsWith(run) && l.contains("MANUAL") && l.contains("SUCCESS")),
        runs.toString());
    assertEquals(run, json(baton("runs", Long.toString(chain), "--json")).path("runs").get(0).path("runId").asText());
  }

  @Test
  void cancelStopsARunningRun() throws Exception {
    long chain = chain("cli: cancelled", "sleep.sh 60").id();
    String run = json(baton("trigger", Long.toString(chain), "--json")).path("runId").asText();
    BatonCli.Result cancel = baton("cancel", run);
    assertEquals(0, cancel.exit(), cancel.toString());
    assertTrue(cancel.out().contains("cancelled"), cancel.toString());
    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(runRow(run).get("status")));
  }

  @Test
  void rerunFromTheFailedStepStartsARerunOfTheRun() throws Exception {
    long chain = chain("cli: fails", "fail.sh").id();
    String run = json(baton("trigger", Long.toString(chain), "--json")).path("runId").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(runRow(run).get("status")));
    BatonCli.Result rerun = baton("rerun", run, "--from-failed");
    assertEquals(0, rerun.exit(), rerun.toString());
    assertTrue(rerun.out().contains("RERUN"), rerun.toString());
    List<Map<String, Object>> reruns = await().atMost(Duration.ofSeconds(30))
        .until(() -> node.rows("SELECT * FROM chain_run WHERE rerun_of = ?", Long.parseLong(run)), r -> !r.isEmpty());
    assertEquals(1, reruns.size(), reruns.toString());
    assertEquals("RERUN", reruns.get(0).get("trigger_type"));
  }

  @Test
  void switchOffWritesTheChainsSwitch() throws Exception {
    long chain = chain("cli: switched", "ok.sh").id();
    BatonCli.Result off = baton("switch", Long.toString(chain), "off");
    assertEquals(0, off.exit(), off.toString());
    assertTrue(off.out().contains("OFF"), off.toString());
    assertEquals("OFF", node.rows("SELECT `switch` FROM jobchain_table WHERE id = ?", chain).get(0).get("switch"));
  }

  @Test
  void previewShowsTheVerdictAndTheArgvOfEachJob() throws Exception {
    long chain = chain("cli: previewed", "ok.sh").id();
    BatonCli.Result preview = baton("preview", Long.toString(chain), "--n", "3");
    assertEquals(0, preview.exit(), preview.toString());
    assertTrue(preview.out().startsWith("chain " + chain + ": valid"), preview.toString());
    assertTrue(preview.out().contains(node.home().resolve("jobs").resolve("ok.sh").toString()), preview.toString());
  }

  @Test
  void validateExitsOneOnABrokenChainAndChainsSaysWhyItIsHeld() throws Exception {
    BatonCli.Result before = baton("validate");
    assertEquals(0, before.exit(), before.toString());
    long broken = insertChain("cli: broken schedule", "every other tuesday");
    node.job(broken, "ok.sh", 1, "60");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "held".equals(get("/api/v1/chains/" + broken).path("state").asText()));
    BatonCli.Result validate = baton("validate");
    assertEquals(1, validate.exit(), validate.toString());
    assertTrue(validate.out().contains("chain " + broken + ": "), validate.toString());
    BatonCli.Result chains = baton("chains", "--q", "broken schedule");
    assertTrue(chains.out().contains("held: "), chains.toString());
  }

  @Test
  void errorsAreOneLineWithTheExitCodeAScriptNeeds() throws Exception {
    BatonCli.Result malformed = baton("show", "abc");
    assertEquals(2, malformed.exit(), malformed.toString());
    assertOneLine(malformed, "abc");
    BatonCli.Result unknown = baton("show", "999999");
    assertEquals(1, unknown.exit(), unknown.toString());
    assertOneLine(unknown, "run 999999 does not exist");
    // a port bound but not listening refuses connections, and no other test can take it meanwhile
    try (Socket held = new Socket()) {
      held.bind(new InetSocketAddress("127.0.0.1", 0));
      int closed = held.getLocalPort();
      BatonCli.Result unreachable = cli.run("status", "--url", "http://127.0.0.1:" + closed);
      assertEquals(2, unreachable.exit(), unreachable.toString());
      assertOneLine(unreachable, "cannot reach the node at http://127.0.0.1:" + closed);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static BatonCli.Result baton(String... args) throws Exception {
    String[] withUrl = java.util.Arrays.copyOf(args, args.length + 2);
    withUrl[args.length] = "--url";
    withUrl[args.length + 1] = url;
    return cli.run(withUrl);
  }

  private static JsonNode json(BatonCli.Result result) throws Exception {
    assertEquals(0, result.exit(), result.toString());
    return JSON.readTree(result.out());
  }

  private static void assertOneLine(BatonCli.Result result, String containing) {
    assertTrue(result.err().startsWith("baton: ") && result.err().contains(containing), result.toString());
    assertEquals(1, result.err().strip().lines().count(), "one line, no stack trace\n" + result);
    assertTrue(result.out().isEmpty(), result.toString());
  }

  record Chain(long id, long job) {}

  /** A chain of one job, returned once the node has read it whole (it polls the tables). */
  private static Chain chain(String description, String command) throws Exception {
    long id = insertChain(description, RARELY);
    long job = node.job(id, command, 1, "120");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode chain = get("/api/v1/chains/" + id);
      return chain.path("jobs").size() == 1 && "armed".equals(chain.path("state").asText());
    });
    return new Chain(id, job);
  }

  private static long insertChain(String description, String timestr) {
    return node.chain(description, 1, timestr, 0);
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static Map<String, Object> runRow(String run) throws Exception {
    List<Map<String, Object>> rows = node.rows("SELECT * FROM chain_run WHERE run_id = ?", Long.parseLong(run));
    return rows.isEmpty() ? Map.of() : rows.get(0);
  }
}
