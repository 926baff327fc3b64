package io.baton.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Requests to a node's HTTP API as a script would send them, and the answers read back. */
final class ApiCalls {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  record Reply(int status, String text) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(text);
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + status + "): " + text, e);
      }
    }
  }

  private ApiCalls() {}

  static Reply get(String base, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Duration.ofSeconds(30));
  }

  /** A JSON action from this host (loopback), no token. */
  static Reply post(String base, String path, String json) throws Exception {
    return post(base, path, json, Map.of(), Duration.ofSeconds(60));
  }

  /** Runs {@code chain} now, as an operator would; the id of the run it started. */
  static long trigger(String base, long chain) throws Exception {
    Reply reply = post(base, "/api/v1/chains/" + chain + "/trigger", "{}");
    if (reply.status() != 200) {
      throw new AssertionError("trigger of chain " + chain + " answered " + reply.status() + ": " + reply.text());
    }
    return Long.parseLong(reply.json().get("runId").asText());
  }

  static Reply post(String base, String path, String json, Map<String, String> headers, Duration timeout)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(request::setHeader);
    return send(request, timeout);
  }

  private static Reply send(HttpRequest.Builder request, Duration timeout) throws Exception {
    HttpResponse<String> response = CLIENT.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }
}
