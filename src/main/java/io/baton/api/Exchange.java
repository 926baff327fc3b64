package io.baton.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One HTTP request and its answer: path parameters, query, body, and JSON or text responses. */
final class Exchange {
  private static final int MAX_BODY = 64 * 1024;

  final HttpExchange http;
  final List<String> pathParams;
  private final Map<String, String> query;

  Exchange(HttpExchange http, List<String> pathParams) {
    this.http = http;
    this.pathParams = pathParams;
    this.query = parseQuery(http.getRequestURI().getRawQuery());
  }

  String method() {
    return http.getRequestMethod();
  }

  String header(String name) {
    return http.getRequestHeaders().getFirst(name);
  }

  InetAddress remote() {
    return http.getRemoteAddress().getAddress();
  }

  /** A path parameter that must be a whole number (a chain or run id). */
  long idParam(int index, String what) {
    return number(pathParams.get(index), what);
  }

  String query(String name) {
    String value = query.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  Long longQuery(String name) {
    String value = query(name);
    return value == null ? null : number(value, name);
  }

  int intQuery(String name, int fallback, int min, int max) {
    Long value = longQuery(name);
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value.intValue();
  }

  byte[] body() {
    try {
      byte[] body = http.getRequestBody().readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw ApiException.badRequest("the body is larger than " + MAX_BODY + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw ApiException.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  void json(int status, Object value) throws IOException {
    send(status, "application/json; charset=utf-8", Json.write(value).getBytes(StandardCharsets.UTF_8));
  }

  void send(int status, String contentType, byte[] body) throws IOException {
    http.getResponseHeaders().set("Content-Type", contentType);
    http.getResponseHeaders().set("Cache-Control", "no-store");
    http.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = "HEAD".equals(method());
    http.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = http.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static long number(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(what + " must be a whole number, got '" + text + "'");
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        values.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("the query string cannot be read: " + e.getMessage());
      }
    }
    return values;
  }
}
