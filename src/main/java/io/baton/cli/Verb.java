package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.api.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every CLI verb shares: the node it talks to, --json, and the rule that an error is one line
 * on stderr with exit code 1 (refused, unknown) or 2 (malformed, unreachable, failed).
 */
public abstract class Verb implements Callable<Integer> {
  @Option(names = "--json", description = "print the API's JSON answer instead of a table")
  boolean json;

  @Option(names = "--url", paramLabel = "URL",
      description = "the node to talk to (default: http://<baton.http.bind>:<baton.http.port> of the configuration)")
  String url;

  @Option(names = "--config", paramLabel = "FILE",
      description = "configuration file giving the node's address and token (default ./application.conf)")
  Path config;

  @Spec
  CommandLine.Model.CommandSpec spec;

  private NodeClient client;

  /** Does the verb's work; returns the exit code. */
  abstract int run() throws IOException;

  @Override
  public final Integer call() {
    try {
      client = NodeClient.open(url, config);
      return run();
    } catch (CliException e) {
      out().flush();
      System.err.println("baton: " + e.getMessage());
      return e.exitCode();
    } catch (IOException | RuntimeException e) {
      out().flush();
      System.err.println("baton: " + spec.name() + " failed: " + e);
      return CliException.USAGE;
    }
  }

  NodeClient client() {
    return client;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** GET a JSON resource; with --json it is printed as well (the verb then prints nothing more). */
  JsonNode read(String path) {
    return answered(client.get(path));
  }

  /** POST an action with its JSON body. */
  JsonNode act(String path, JsonNode body) {
    return answered(client.post(path, body));
  }

  private JsonNode answered(NodeClient.Answer answer) {
    if (json && answer.json() != null) {
      printJson(answer.json()); // a script reads the refusal's body too; the exit code tells it apart
    }
    if (answer.status() != 200 && answer.status() != 202) {
      throw NodeClient.failure(answer);
    }
    if (answer.json() == null) {
      throw new CliException(CliException.USAGE, "the node at " + client.base() + " did not answer JSON");
    }
    return answer.json();
  }

  void printJson(JsonNode node) {
    try {
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
      out().flush();
    } catch (IOException e) {
      throw new CliException(CliException.USAGE, "cannot print the answer: " + e.getMessage());
    }
  }

  /** A query parameter, URL-encoded, or nothing when the option was not given. */
  static String param(String name, Object value) {
    return value == null ? "" : "&" + name + "=" + java.net.URLEncoder.encode(value.toString(),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Joins query parameters built with {@link #param}. */
  static String query(String path, String... params) {
    String joined = String.join("", params);
    return joined.isEmpty() ? path : path + "?" + joined.substring(1);
  }
}
