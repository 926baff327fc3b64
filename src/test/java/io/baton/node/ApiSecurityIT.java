package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may act, what a malformed request gets, and what a log request can read. */
class ApiSecurityIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb();

  /** An address of this host that is not loopback, so a request to it does not come from 127.0.0.1. */
  private static Optional<String> outsideAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return Optional.of(address.getHostAddress());
          }
        }
      }
    }
    return Optional.empty();
  }

  private long offChain() {
    long chain = node.chainOff("security", 1, "@yearly");
    node.job(chain, "ok.sh", 1, "60");
    node.awaitState(chain, "off");
    return chain;
  }

  @Test
  void withoutATokenActionsAreRefusedFromOtherHostsAndAcceptedFromLoopback() throws Exception {
    String outside = outsideAddress().orElse(null);
    assumeTrue(outside != null, "this host has no address other than loopback");
    node.with("baton.http.bind", "0.0.0.0").start();
    long chain = offChain();
    String fromOutside = "http://" + outside + ":" + node.api().substring(node.api().lastIndexOf(':') + 1);

    ApiCalls.Reply refused = ApiCalls.post(fromOutside, "/api/v1/chains/" + chain + "/trigger", "{}");
    assertEquals(401, refused.status(), refused.text());
    assertTrue(refused.json().get("error").asText().contains("baton.http.token"));
    assertEquals(200, ApiCalls.get(fromOutside, "/api/v1/chains/" + chain).status(), "reads are open");
    assertTrue(node.runs(chain).isEmpty());
    assertTrue(node.rows("SELECT id FROM baton_command").isEmpty(), "nothing was accepted");

    assertEquals(200, ApiCalls.post(node.api(), "/api/v1/chains/" + chain + "/trigger", "{}").status());
  }

  @Test
  void withATokenEveryActionNeedsIt() throws Exception {
    node.with("baton.http.token", "s3cret-token").start();
    long chain = offChain();
    String path = "/api/v1/chains/" + chain + "/trigger";
    assertEquals(401, ApiCalls.post(node.api(), path, "{}").status(), "no token, even from loopback");
    assertEquals(401, ApiCalls.post(node.api(), path, "{}", Map.of("Authorization", "Bearer wrong"),
        Duration.ofSeconds(30)).status());
    assertTrue(node.runs(chain).isEmpty());
    assertEquals(200, ApiCalls.post(node.api(), path, "{}", Map.of("Authorization", "Bearer s3cret-token"),
        Duration.ofSeconds(30)).status());
  }

  @Test
  void malformedAndCrossSiteRequestsAreRefusedAndChangeNothing() throws Exception {
    node.start();
    String api = node.api();
    long chain = offChain();
    String base = "/api/v1/chains/" + chain;
    assertEquals(400, ApiCalls.post(api, base + "/switch", "{bad").status());
    assertEquals(400, ApiCalls.post(api, base + "/switch", "[true]").status());
    assertEquals(400, ApiCalls.post(api, base + "/switch", "{\"on\": \"yes\"}").status());
    assertEquals(400, ApiCalls.post(api, "/api/v1/runs/1/rerun", "{}").status(), "fromFailed must be said");
    assertEquals(400, ApiCalls.get(api, "/api/v1/runs?limit=-1").status());
    assertEquals(400, ApiCalls.get(api, "/api/v1/chains?state=sleeping").status());
    assertEquals(404, ApiCalls.post(api, "/api/v1/chains/999999/trigger", "{}").status());
    assertEquals(404, ApiCalls.post(api, "/api/v1/runs/999999/cancel", "{}").status());
    assertEquals(405, ApiCalls.get(api, base + "/trigger").status());
    ApiCalls.Reply crossSite = ApiCalls.post(api, base + "/trigger", "{}", Map.of("Origin", "http://evil.example"),
        Duration.ofSeconds(30));
    assertEquals(403, crossSite.status(), crossSite.text());
    ApiCalls.Reply form = ApiCalls.post(api, base + "/trigger", "a=b",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Duration.ofSeconds(30));
    assertEquals(415, form.status(), form.text());
    assertEquals(415, ApiCalls.post(api, base + "/trigger", "{}", Map.of("Content-Type", "application/json-evil"),
        Duration.ofSeconds(30)).status());
    assertEquals(403, ApiCalls.post(api, base + "/trigger", "{}", Map.of("Origin", "null"),
        Duration.ofSeconds(30)).status(), "a sandboxed page");
    String port = api.substring(api.lastIndexOf(':') + 1);
    assertEquals(403, ApiCalls.post(api, base + "/trigger", "{}", Map.of("Origin", "http://127.0.0.1:" + port + ".evil.com"),
        Duration.ofSeconds(30)).status());
    ApiCalls.Reply rebound = rawPost(api, base + "/trigger", "rebind.attacker.example:" + port,
        "http://rebind.attacker.example:" + port);
    assertEquals(403, rebound.status(), "DNS rebinding: " + rebound.text());
    assertTrue(node.runs(chain).isEmpty());
    assertTrue(node.rows("SELECT id FROM baton_command").isEmpty());
    assertEquals("OFF", node.rows("SELECT switch FROM jobchain_table WHERE id = ?", chain).get(0).get("switch"));
  }

  @Test
  void aLogRequestReadsOnlyTheLogFileOfThatRunsProcess() throws Exception {
    node.start();
    String api = node.api();
    long chain = offChain();
    long runId = ApiCalls.trigger(api, chain);
    node.awaitRuns(chain, runs -> runs.stream().allMatch(NodeFixture::finished));
    long job = ((Number) node.rows("SELECT ref_id FROM job_run WHERE run_id = ?", runId).get(0).get("ref_id"))
        .longValue();
    assertEquals(200, ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs?job=" + job).status());

    assertEquals(400, ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs?job=../../etc/passwd").status());
    assertEquals(404, ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs?job=" + (job + 1000)).status());
    // rows pointing outside the logs folder, directly or through a link inside it
    Path link = node.home().resolve("logs").resolve("passwd.log");
    Files.createSymbolicLink(link, Path.of("/etc/passwd"));
    node.update("INSERT INTO job_run (run_id, chain_id, kind, ref_id, step_lvl, attempt, start_time, status,"
        + " log_path, node) VALUES (?, ?, 'JOB', 7001, 1, 1, NOW(), 'SUCCESS', '/etc/passwd', 'it-node'),"
        + " (?, ?, 'JOB', 7002, 1, 1, NOW(), 'SUCCESS', ?, 'it-node')", runId, chain, runId, chain, link.toString());
    // a row naming a node whose address is not a plain http://host:port is not fetched from
    node.update("INSERT INTO realtime_status (name, timequeuesize, replyqueuesize, debugmode, http_address)"
        + " VALUES ('ghost', 0, 0, 'x', ?)", api + "/metrics?");
    node.update("INSERT INTO job_run (run_id, chain_id, kind, ref_id, step_lvl, attempt, start_time, status,"
        + " log_path, node) VALUES (?, ?, 'JOB', 7003, 1, 1, NOW(), 'SUCCESS', '/elsewhere/x.log', 'ghost')", runId, chain);
    ApiCalls.Reply ghost = ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs?job=7003");
    assertEquals(502, ghost.status(), ghost.text());
    assertFalse(ghost.text().contains("baton_"), "the metrics were not fetched: " + ghost.text());
    for (int fake : new int[] {7001, 7002}) {
      ApiCalls.Reply reply = ApiCalls.get(api, "/api/v1/runs/" + runId + "/logs?job=" + fake);
      assertEquals(404, reply.status(), reply.text());
      assertFalse(reply.text().contains("root:"), reply.text());
    }
  }

  /** A POST with a Host header of the caller's choosing, as a page served under another name sends it. */
  private static ApiCalls.Reply rawPost(String api, String path, String host, String origin) throws Exception {
    java.net.URI uri = java.net.URI.create(api);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      String request = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
          + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.split(" ")[1]);
      return new ApiCalls.Reply(status, answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }
  }

  @Test
  void abandonedFollowersAndHalfSentRequestsDoNotSilenceTheNode() throws Exception {
    node.start();
    String api = node.api();
    node.script("jobs", "forever.sh", "echo started\nwhile [ ! -e ../stop ]; do sleep 0.1; done");
    long chain = offChain();
    node.update("UPDATE jobtable SET command = 'forever.sh' WHERE job_chain_id = ?", chain);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        ApiCalls.get(api, "/api/v1/chains/" + chain).text().contains("forever.sh"));
    long runId = ApiCalls.trigger(api, chain);
    long job = ((Number) node.awaitRow("SELECT ref_id FROM job_run WHERE run_id = ?", runId).get("ref_id")).longValue();
    java.net.URI uri = java.net.URI.create(api);
    java.util.List<java.net.Socket> sockets = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) { // followers that read the first lines, then go away without a word
        java.net.Socket follower = new java.net.Socket(uri.getHost(), uri.getPort());
        follower.getOutputStream().write(("GET /api/v1/runs/" + runId + "/logs?job=" + job + " HTTP/1.1\r\nHost: x"
            + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        follower.close();
      }
      for (int i = 0; i < 60; i++) { // requests whose headers never end
        java.net.Socket slow = new java.net.Socket(uri.getHost(), uri.getPort());
        slow.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sockets.add(slow);
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
          ApiCalls.get(api, "/health").status() == 200 && ApiCalls.get(api, "/api/v1/status").status() == 200);
    } finally {
      for (java.net.Socket socket : sockets) {
        socket.close();
      }
      Files.writeString(node.home().resolve("stop"), "");
    }
  }
}
