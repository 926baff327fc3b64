package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.api.Json;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.config.ConfigurationException;
import io.baton.config.HostName;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The CLI's only way to the scheduler: the node's HTTP API, reached at --url or at the address the
 * node's own configuration gives it, with the token from that configuration.
 */
final class NodeClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Longer than the node's own wait for a command's outcome (20 s), so its 202 reaches us. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  /** An answer of the node: its status and body; {@code json} is null when the body is not JSON. */
  record Answer(int status, String body, JsonNode json) {}

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  private NodeClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** The node --url names, else the one this host's configuration describes. */
  static NodeClient open(String url, Path configFile) {
    BatonSettings.HttpSettings settings;
    try {
      settings = BatonSettings.from(ConfigLoader.load(configFile, System.getenv())).http();
    } catch (ConfigurationException e) {
      throw new CliException(CliException.USAGE, e.getMessage());
    }
    String base = url != null ? checkedUrl(url) : "http://" + hostOf(settings.bind()) + ":" + settings.port();
    return new NodeClient(base, settings.token());
  }

  private static String checkedUrl(String url) {
    String trimmed = url.trim().replaceAll("/+$", "");
    try {
      URI uri = URI.create(trimmed);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return trimmed;
      }
    } catch (IllegalArgumentException e) {
      // reported below, with what a good one looks like
    }
    throw new CliException(CliException.USAGE, "--url must be a node's address such as http://127.0.0.1:8080, got '"
        + url + "'");
  }

  /** A node listening on every address is reached on this host's loopback. */
  private static String hostOf(String bind) {
    if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
      return "127.0.0.1";
    }
    return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
  }

  Answer get(String path) {
    return send(request(path).timeout(ANSWER_TIMEOUT).GET().build());
  }

  Answer post(String path, JsonNode body) {
    return send(request(path).timeout(ANSWER_TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
  }

  /** A streamed GET (a followed log): no time limit, the body read as it arrives. */
  HttpResponse<InputStream> stream(String path, String accept) {
    return exchange(request(path).header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** A non-2xx answer as the one line and exit code the operator gets. */
  static CliException failure(Answer answer) {
    JsonNode error = answer.json() == null ? null : answer.json().get("error");
    String message = error != null && error.isTextual() ? error.asText()
        : "the node answered HTTP " + answer.status() + firstLine(answer.body());
    int status = answer.status();
    boolean refused = status >= 400 && status < 500 && status != 400;
    return new CliException(refused ? CliException.REFUSED : CliException.USAGE, message);
  }

  static Answer read(int status, String body) {
    JsonNode json = null;
    try {
      json = body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (IOException e) {
      // not JSON: a proxy's or a log's text; the caller uses the body as it is
    }
    return new Answer(status, body, json);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
        .header("X-Baton-Client", "cli@" + HostName.get());
    if (!token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Answer send(HttpRequest request) {
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return read(response.statusCode(), response.body());
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.USAGE, "interrupted");
    }
  }

  private CliException unreachable(IOException e) {
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
    } else if (e instanceof HttpTimeoutException) {
      return new CliException(CliException.USAGE, "the node at " + base + " did not answer within "
          + ANSWER_TIMEOUT.toSeconds() + " s");
    } else if (causedBy(e, UnresolvedAddressException.class)) {
      why = "unknown host";
    } else if (causedBy(e, ConnectException.class)) {
      why = "connection refused";
    } else {
      why = deepestMessage(e);
    }
    return new CliException(CliException.USAGE, "cannot reach the node at " + base + " (" + why
        + "); is it running? --url names another node");
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The HTTP client often wraps the socket's error in exceptions without a message of their own. */
  private static String deepestMessage(Throwable e) {
    String message = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message.lines().findFirst().orElse(message);
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return line.isEmpty() ? "" : ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }

  String base() {
    return base;
  }
}
