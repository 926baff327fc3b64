package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics scraped and parsed as Prometheus would, and its counters checked against chain_run. */
class MetricsIT {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb().started();

  record Sample(String name, Map<String, String> labels, double value) {}

  static List<Sample> scrape(String api) throws Exception {
    ApiCalls.Reply reply = ApiCalls.get(api, "/metrics");
    assertEquals(200, reply.status());
    return reply.text().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(line -> {
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a Prometheus sample: " + line);
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      return new Sample(m.group(1), labels, Double.parseDouble(m.group(3)));
    }).toList();
  }

  static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }

  @Test
  void runCountersAgreeWithChainRun() throws Exception {
    String api = node.api();
    long ok = node.chain("metrics ok", 1, "@every 1s", 0);
    node.job(ok, "ok.sh", 1, "60");
    long failing = node.chain("metrics failing", 1, "@every 1s", 0);
    node.job(failing, "fail.sh", 1, "60");
    node.awaitRuns(ok, runs -> runs.stream().filter(NodeFixture::finished).count() >= 3);
    node.awaitRuns(failing, runs -> runs.stream().filter(NodeFixture::finished).count() >= 3);

    for (long chain : new long[] {ok, failing}) { // quiet, so the ledger and the counters can be compared
      assertEquals(200, ApiCalls.post(api, "/api/v1/chains/" + chain + "/switch", "{\"on\": false}").status());
    }
    await().atMost(Duration.ofSeconds(20)).until(() ->
        node.rows("SELECT run_id FROM chain_run WHERE end_time IS NULL").isEmpty()
        && value(scrape(api), "baton_chains", Map.of("state", "off")) == 2);

    List<Sample> samples = scrape(api);
    for (Map<String, Object> row : node.rows("SELECT chain_id, status, COUNT(*) AS n FROM chain_run"
        + " WHERE node = 'it-node' GROUP BY chain_id, status")) {
      double counted = value(samples, "baton_chain_runs_total",
          Map.of("chain", row.get("chain_id").toString(), "status", (String) row.get("status")));
      assertEquals(((Number) row.get("n")).doubleValue(), counted, "runs of " + row);
    }
    double failedRuns = value(samples, "baton_chain_runs_total", Map.of("status", "FAILED"));
    assertEquals(failedRuns, value(samples, "baton_jobs_total", Map.of("status", "FAILED")));
    assertTrue(value(samples, "baton_fire_delay_seconds_count", Map.of()) >= 6);
    assertTrue(value(samples, "baton_chain_run_duration_seconds_count", Map.of("status", "SUCCESS")) >= 3);
    assertEquals(1, value(samples, "baton_is_leader", Map.of()));
    assertTrue(value(samples, "baton_lease_epoch", Map.of()) >= 1);
    assertTrue(value(samples, "baton_journal_write_seconds_count", Map.of()) > 0);
    assertTrue(value(samples, "baton_outcome_write_seconds_count", Map.of()) > 0);
    assertEquals(0, value(samples, "baton_outcomes_waiting", Map.of()));
    assertEquals(0, value(samples, "baton_processes_running", Map.of()));
    assertFalse(samples.stream().anyMatch(s -> s.labels().keySet().stream().anyMatch(k -> k.contains("run"))),
        "no run id label");
    assertFalse(samples.stream().anyMatch(s -> s.name().endsWith("_bucket") && s.labels().containsKey("chain")),
        "no histogram has a chain label");
  }
}
