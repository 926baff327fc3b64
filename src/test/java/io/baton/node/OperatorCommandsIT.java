package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.api.Json;
import io.baton.exec.OsProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The action verbs of the API against a real node on MariaDB with real processes, checked where an
 * operator would look: chain_run, job_run, jobchain_table, schedulerMessage and the process table.
 */
class OperatorCommandsIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb().started();
  Path home;
  String api;

  @BeforeEach
  void setUp() {
    home = node.home();
    api = node.api();
  }

  /** A chain switched OFF with the given jobs (level, script) and a schedule that never fires here. */
  private long chainOff(int levels, Object... jobs) throws Exception {
    long chain = node.chainOff("operator test", levels, "@yearly");
    for (int i = 0; i < jobs.length; i += 2) {
      node.job(chain, (String) jobs[i + 1], (Integer) jobs[i], "60");
    }
    // off, not held: the catalog may have seen the chain before its jobs were inserted
    node.awaitState(chain, "off");
    return chain;
  }

  private Map<String, Object> awaitEnded(long runId) {
    return node.awaitRow("SELECT * FROM chain_run WHERE run_id = ? AND end_time IS NOT NULL", runId);
  }

  @Test
  void triggerRunsAChainThatIsSwitchedOffAsOneManualRunAndIsRefusedWhileItRuns() throws Exception {
    node.script("jobs", "wait.sh", "while [ ! -e ../release ]; do sleep 0.05; done");
    long chain = chainOff(1, 1, "wait.sh");

    ApiCalls.Reply first = ApiCalls.post(api, "/api/v1/chains/" + chain + "/trigger", "{}");
    assertEquals(200, first.status(), first.text());
    long runId = Long.parseLong(first.json().get("runId").asText());
    ApiCalls.Reply second = ApiCalls.post(api, "/api/v1/chains/" + chain + "/trigger", "{}");
    assertEquals(409, second.status(), second.text());
    assertTrue(second.json().get("error").asText().contains("has an active run " + runId), second.text());

    Files.writeString(home.resolve("release"), "");
    Map<String, Object> run = awaitEnded(runId);
    assertEquals("MANUAL", run.get("trigger_type"));
    assertEquals("SUCCESS", run.get("status"));
    assertEquals(1, node.runs(chain).size(), "one run: the refused trigger started nothing");
    assertFalse(node.messages("asked by api@127.0.0.1").isEmpty(), "the message names who asked");
    assertEquals("OFF", node.rows("SELECT switch FROM jobchain_table WHERE id = ?", chain).get(0).get("switch"));
  }

  @Test
  void cancelStopsTheWholeProcessTreeAndLaterLevelsNeverStart() throws Exception {
    node.script("jobs", "tree.sh", "sleep 300 &\necho $! > ../child.pid\nsleep 300");
    long chain = chainOff(2, 1, "tree.sh", 2, "ok.sh");
    long runId = ApiCalls.trigger(api, chain);
    Path childPid = home.resolve("child.pid");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(childPid) && !Files.readString(childPid).isBlank());
    long child = Long.parseLong(Files.readString(childPid).trim());
    long job = ((Number) node.rows("SELECT pid FROM job_run WHERE run_id = ?", runId).get(0).get("pid")).longValue();
    assertTrue(OsProcesses.isRunning(child) && OsProcesses.isRunning(job));

    ApiCalls.Reply cancel = ApiCalls.post(api, "/api/v1/runs/" + runId + "/cancel", "{}");
    assertEquals(200, cancel.status(), cancel.text());

    Map<String, Object> run = awaitEnded(runId);
    assertEquals("CANCELLED", run.get("status"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !OsProcesses.isRunning(child) && !OsProcesses.isRunning(job));
    List<Map<String, Object>> processes = node.rows("SELECT ref_id, status, step_lvl FROM job_run WHERE run_id = ?", runId);
    assertEquals(1, processes.size(), "level 2 never started: " + processes);
    assertEquals("CANCELLED", processes.get(0).get("status"));
    assertEquals("CANCELLED", node.rows("SELECT status FROM jobchain_lst_run WHERE jobchain_id = ?", chain)
        .get(0).get("status"));
    assertFalse(node.messages("CANCELLED by api@127.0.0.1").isEmpty());
    assertEquals(409, ApiCalls.post(api, "/api/v1/runs/" + runId + "/cancel", "{}").status(), "an ended run");
  }

  @Test
  void rerunFromFailedSkipsSucceededLevelsAndRunsOnlyTheJobsThatDidNotSucceed() throws Exception {
    node.script("jobs", "flaky.sh", "echo \"$BATON_ATTEMPT $BATON_SCHEDULED_TIME\" >> ../flaky.attempts\n"
        + "[ -e ../fixed ] || exit 4");
    long chain = chainOff(3, 1, "ok.sh", 2, "ok.sh", 2, "flaky.sh", 3, "ok.sh");
    long original = ApiCalls.trigger(api, chain);
    Map<String, Object> failed = awaitEnded(original);
    assertEquals("FAILED", failed.get("status"));

    Files.writeString(home.resolve("fixed"), "");
    ApiCalls.Reply rerun = ApiCalls.post(api, "/api/v1/runs/" + original + "/rerun", "{\"fromFailed\": true}");
    assertEquals(200, rerun.status(), rerun.text());
    long again = Long.parseLong(rerun.json().get("runId").asText());
    Map<String, Object> run = awaitEnded(again);

    assertEquals("SUCCESS", run.get("status"));
    assertEquals("RERUN", run.get("trigger_type"));
    assertEquals(original, ((Number) run.get("rerun_of")).longValue());
    assertEquals(failed.get("scheduled_time"), run.get("scheduled_time"), "the rerun keeps its original's slot");
    List<Map<String, Object>> jobs = node.rows(
        "SELECT step_lvl, attempt, status FROM job_run WHERE run_id = ? AND kind = 'JOB' ORDER BY step_lvl", again);
    assertEquals(2, jobs.size(), "only the failed job and the level after it: " + jobs);
    assertEquals(2, jobs.get(0).get("step_lvl"));
    assertEquals(2, jobs.get(0).get("attempt"), "one above the failed job's attempt");
    assertEquals(3, jobs.get(1).get("step_lvl"));
    List<String> attempts = Files.readAllLines(home.resolve("flaky.attempts"));
    assertEquals(2, attempts.size());
    assertTrue(attempts.get(1).startsWith("2 "), "BATON_ATTEMPT of the rerun: " + attempts);
    assertEquals(attempts.get(0).split(" ")[1], attempts.get(1).split(" ")[1], "same BATON_SCHEDULED_TIME");

    ApiCalls.Reply succeeded = ApiCalls.post(api, "/api/v1/runs/" + again + "/rerun", "{\"fromFailed\": true}");
    assertEquals(409, succeeded.status(), "a run that succeeded has nothing to rerun: " + succeeded.text());
    ApiCalls.Reply originalAgain = ApiCalls.post(api, "/api/v1/runs/" + original + "/rerun", "{\"fromFailed\": true}");
    assertEquals(409, originalAgain.status(), "its slot succeeded in a rerun: " + originalAgain.text());
    assertEquals(2, Files.readAllLines(home.resolve("flaky.attempts")).size(), "no job ran a third time");
  }

  @Test
  void switchWritesTheOriginalTableAndTheChainFiresOrStops() throws Exception {
    long chain = node.chain("switch test", 1, "@every 1s", 0);
    node.job(chain, "ok.sh", 1, "60");
    node.awaitRuns(chain, runs -> !runs.isEmpty());

    ApiCalls.Reply off = ApiCalls.post(api, "/api/v1/chains/" + chain + "/switch", "{\"on\": false}");
    assertEquals(200, off.status(), off.text());
    assertEquals("OFF", node.rows("SELECT switch FROM jobchain_table WHERE id = ?", chain).get(0).get("switch"));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        "off".equals(ApiCalls.get(api, "/api/v1/chains/" + chain).json().get("state").asText()));
    int runsWhenOff = node.runs(chain).size(); // OFF at once: not even a run journaled just ahead of a fire
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> node.runs(chain).size() == runsWhenOff);
    assertFalse(node.messages("switched OFF by api@127.0.0.1").isEmpty());

    assertEquals(200, ApiCalls.post(api, "/api/v1/chains/" + chain + "/switch", "{\"on\": true}").status());
    assertEquals("ON", node.rows("SELECT switch FROM jobchain_table WHERE id = ?", chain).get(0).get("switch"));
    int runsWhenOn = node.runs(chain).size();
    node.awaitRuns(chain, runs -> runs.size() > runsWhenOn);
  }

  @Test
  void readsShowTheRunItsLevelsAndItsLog() throws Exception {
    node.script("jobs", "hello.sh", "echo \"hello from $BATON_RUN_ID\"");
    long chain = chainOff(1, 1, "hello.sh");
    long job = ((Number) node.one("SELECT id FROM jobtable WHERE job_chain_id = ?", chain)).longValue();
    long runId = ApiCalls.trigger(api, chain);
    awaitEnded(runId);

    JsonNode show = ApiCalls.get(api, "/api/v1/runs/" + runId).json();
    assertEquals("SUCCESS", show.get("run").get("status").asText());
    JsonNode jobRow = show.get("levels").get(0).get("jobs").get(0);
    assertEquals(job, jobRow.get("jobId").asLong());
    assertEquals(0, jobRow.get("exitCode").asInt());
    ApiCalls.Reply log = ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs?job=" + job);
    assertEquals(200, log.status());
    assertTrue(log.text().contains("hello from " + runId), log.text());
    assertEquals(log.text(), ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs").text(), "its only job, unnamed");

    JsonNode runs = ApiCalls.get(api, "/api/v1/runs?chain=" + chain).json().get("runs");
    assertEquals(1, runs.size());
    assertEquals(Long.toString(runId), runs.get(0).get("runId").asText(), "run ids travel as strings");
    JsonNode chains = ApiCalls.get(api, "/api/v1/chains?q=operator").json();
    assertEquals(1, chains.get("total").asInt());
    assertEquals("off", chains.get("chains").get(0).get("state").asText());
    assertEquals("SUCCESS", chains.get("chains").get(0).get("lastRun").get("status").asText());
    JsonNode status = ApiCalls.get(api, "/api/v1/status").json();
    assertEquals("it-node", status.get("leader").asText());
    assertEquals("leader", status.get("nodes").get(0).get("role").asText());
    assertEquals(404, ApiCalls.get(api, "/api/v1/runs/12345").status());
    assertEquals(400, ApiCalls.get(api, "/api/v1/runs/abc").status());
    assertNull(node.rows("SELECT rerun_of FROM chain_run WHERE run_id = ?", runId).get(0).get("rerun_of"));
  }

  @Test
  void previewAndValidateJudgeTheRowsAsARunWould() throws Exception {
    long chain = chainOff(2, 1, "ok.sh --fast 'two words'", 2, "../../etc/passwd");
    long held = node.chain("held: bad schedule", 1, "every full moon", 0);
    node.job(held, "ok.sh", 1, "60");
    node.awaitState(held, "held");

    JsonNode preview = ApiCalls.get(api, "/api/v1/chains/" + chain + "/preview?n=3").json();
    assertTrue(preview.get("valid").asBoolean(), preview.toString());
    assertEquals(3, preview.get("nextFires").size(), "the next fires even while it is switched off");
    JsonNode first = preview.get("levels").get(0).get("jobs").get(0);
    assertEquals(List.of(home.resolve("jobs/ok.sh").toRealPath().toString(), "--fast", "two words"),
        Json.MAPPER.convertValue(first.get("argv"), List.class));
    JsonNode escaping = preview.get("levels").get(1).get("jobs").get(0);
    assertTrue(escaping.get("argv").isNull());
    assertTrue(escaping.get("refused").asText().contains("nothing was run"), escaping.toString());

    JsonNode heldPreview = ApiCalls.get(api, "/api/v1/chains/" + held + "/preview").json();
    assertFalse(heldPreview.get("valid").asBoolean());
    assertTrue(heldPreview.get("problems").toString().contains("every full moon"), heldPreview.toString());
    JsonNode validate = ApiCalls.get(api, "/api/v1/validate").json();
    assertFalse(validate.get("valid").asBoolean());
    assertEquals(1, validate.get("invalid").size());
    assertEquals(held, validate.get("invalid").get(0).get("chainId").asLong());
    assertEquals(409, ApiCalls.post(api, "/api/v1/chains/" + held + "/trigger", "{}").status(), "a held chain");
  }

  @Test
  void followingALogStreamsItsLinesUntilTheJobEnds() throws Exception {
    node.script("jobs", "talk.sh", "echo before\nwhile [ ! -e ../go-on ]; do sleep 0.05; done\necho after");
    long chain = chainOff(1, 1, "talk.sh");
    long job = ((Number) node.one("SELECT id FROM jobtable WHERE job_chain_id = ?", chain)).longValue();
    long runId = ApiCalls.trigger(api, chain);
    node.awaitRow("SELECT id FROM job_run WHERE run_id = ?", runId);

    java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/api/v1/runs/" + runId + "/logs?job=" + job))
            .header("Accept", "text/event-stream").build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    java.util.Iterator<String> lines = stream.body().iterator();
    assertEquals("data: before", lines.next());
    Files.writeString(home.resolve("go-on"), ""); // written after the follow began
    List<String> rest = new java.util.ArrayList<>();
    lines.forEachRemaining(rest::add); // the stream ends when the job does
    assertTrue(rest.contains("data: after"), rest.toString());
    assertTrue(rest.contains("event: end") && rest.contains("data: SUCCESS"), rest.toString());
  }

  @Test
  void commandsSentTogetherAreEachCarriedOutOnceAndAnsweredWithTheirOwnOutcome() throws Exception {
    node.script("jobs", "wait.sh", "while [ ! -e ../release ]; do sleep 0.05; done");
    long busy = chainOff(1, 1, "wait.sh");
    long[] others = {chainOff(1, 1, "ok.sh"), chainOff(1, 1, "ok.sh"), chainOff(1, 1, "ok.sh")};
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<ApiCalls.Reply>> onBusy = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        onBusy.add(callers.submit(() -> ApiCalls.post(api, "/api/v1/chains/" + busy + "/trigger", "{}")));
      }
      Map<Long, java.util.concurrent.Future<ApiCalls.Reply>> onOthers = new java.util.HashMap<>();
      for (long chain : others) {
        onOthers.put(chain, callers.submit(() -> ApiCalls.post(api, "/api/v1/chains/" + chain + "/trigger", "{}")));
      }
      java.util.concurrent.Future<ApiCalls.Reply> switched = callers.submit(() ->
          ApiCalls.post(api, "/api/v1/chains/" + busy + "/switch", "{\"on\": true}"));

      List<Integer> statuses = new java.util.ArrayList<>();
      for (var reply : onBusy) {
        statuses.add(reply.get().status());
      }
      assertEquals(1, statuses.stream().filter(st -> st == 200).count(), statuses.toString());
      assertEquals(9, statuses.stream().filter(st -> st == 409).count(), statuses.toString());
      for (var entry : onOthers.entrySet()) {
        ApiCalls.Reply reply = entry.getValue().get();
        assertEquals(200, reply.status(), reply.text());
        long runId = Long.parseLong(reply.json().get("runId").asText());
        assertEquals(entry.getKey(), ((Number) node.rows("SELECT chain_id FROM chain_run WHERE run_id = ?", runId)
            .get(0).get("chain_id")).longValue(), "the answer names the run of the chain asked for");
      }
      ApiCalls.Reply switchReply = switched.get();
      assertEquals(200, switchReply.status(), switchReply.text());
      assertTrue(switchReply.json().get("outcome").asText().contains("switched ON"), switchReply.text());
    } finally {
      callers.shutdownNow();
    }
    Files.writeString(home.resolve("release"), "");
    assertEquals(1, node.runs(busy).size());
    for (Map<String, Object> command : node.rows("SELECT * FROM baton_command")) {
      assertTrue(!"PENDING".equals(command.get("state")), command.toString());
      if (command.get("result_run_id") != null) {
        assertEquals(command.get("chain_id"), node.rows("SELECT chain_id FROM chain_run WHERE run_id = ?",
            command.get("result_run_id")).get(0).get("chain_id"), command.toString());
      }
    }
  }
}
