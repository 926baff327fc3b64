package io.baton.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.db.CommandRepository;
import io.baton.db.CommandRepository.Command;
import io.baton.db.CommandRepository.Request;
import io.baton.db.CommandRepository.Verb;
import io.baton.db.RunHistory;
import java.io.IOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The action verbs: trigger, switch, cancel, rerun. An action is accepted by writing its command
 * row (durable from then on), then carried out by the node that runs the chain; the answer waits
 * for its outcome for a while and otherwise says it is accepted and pending (202).
 */
final class Actions {
  /** How long a request waits for the node running the chain to carry its command out. */
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(50);
  /** What a CLI says it is; anything else is named by its address. */
  private static final Pattern CLI_CLIENT = Pattern.compile("cli@[A-Za-z0-9._-]{1,100}");

  private final ApiContext context;
  private final Origins origins;

  Actions(ApiContext context) {
    this.context = context;
    this.origins = new Origins(context.settings().http(), context.port());
  }

  void trigger(Exchange ex) throws IOException {
    String by = authorise(ex);
    body(ex);
    long chainId = existingChain(ex.idParam(0, "chain id"));
    carryOut(ex, new Request(chainId, Verb.TRIGGER, null, null, by));
  }

  void switchChain(Exchange ex) throws IOException {
    String by = authorise(ex);
    JsonNode body = body(ex);
    JsonNode on = body.get("on");
    if (on == null || !on.isBoolean()) {
      throw ApiException.badRequest("the body must say {\"on\": true} or {\"on\": false}");
    }
    long chainId = existingChain(ex.idParam(0, "chain id"));
    carryOut(ex, new Request(chainId, Verb.SWITCH, null, on.booleanValue() ? "ON" : "OFF", by));
  }

  void cancel(Exchange ex) throws IOException {
    String by = authorise(ex);
    body(ex);
    RunHistory.Run run = existingRun(ex.idParam(0, "run id"));
    if (run.end() != null) {
      throw new ApiException(409, "run " + run.runId() + " already ended " + run.status() + "; nothing to cancel");
    }
    carryOut(ex, new Request(run.chainId(), Verb.CANCEL, run.runId(), null, by));
  }

  void rerun(Exchange ex) throws IOException {
    String by = authorise(ex);
    JsonNode body = body(ex);
    JsonNode fromFailed = body.get("fromFailed");
    JsonNode withDeps = body.get("withDeps");
    if (fromFailed == null || !fromFailed.isBoolean() || !fromFailed.booleanValue()) {
      throw ApiException.badRequest("a rerun continues from the failed step: the body must say {\"fromFailed\": true}");
    }
    if (withDeps != null && !withDeps.isBoolean()) {
      throw ApiException.badRequest("withDeps must be true or false");
    }
    RunHistory.Run run = existingRun(ex.idParam(0, "run id"));
    carryOut(ex, new Request(run.chainId(), Verb.RERUN, run.runId(),
        withDeps != null && withDeps.booleanValue() ? "WITH_DEPS" : null, by));
  }

  /** The JSON body; one without a Content-Type is accepted only when empty. */
  private static JsonNode body(Exchange ex) {
    byte[] body = ex.body();
    if (body.length > 0 && ex.header("Content-Type") == null) {
      throw new ApiException(415, "actions take a JSON body with Content-Type: application/json");
    }
    return Json.readObject(body);
  }

  /** A command's row: to follow one answered 202. */
  void command(Exchange ex) throws IOException {
    long id = ex.idParam(0, "command id");
    Command command = context.commands().find(id)
        .orElseThrow(() -> ApiException.notFound("command " + id + " does not exist"));
    ex.json(200, answer(command));
  }

  private void carryOut(Exchange ex, Request request) throws IOException {
    java.time.Instant at = context.clock().instant();
    long id = context.commands().insert(request, at);
    // accepted: from here on the caller is told the command's id, whatever happens to the database
    Command command = new Command(id, request, at, CommandRepository.State.PENDING, null, null, null);
    long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
    while (command.state() == CommandRepository.State.PENDING && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL.toMillis()); // this request's own thread waits for the row's outcome
        command = context.commands().find(id).orElse(command);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (io.baton.db.DatabaseException e) {
        // the outcome cannot be read now: keep asking until the deadline, then answer 202
      }
    }
    int status = switch (command.state()) {
      case DONE -> 200;
      case REFUSED -> 409;
      case PENDING -> 202;
    };
    Map<String, Object> body = answer(command);
    if (status == 409) {
      body.put("error", command.outcome());
    }
    ex.json(status, body);
  }

  private static Map<String, Object> answer(Command command) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("commandId", command.id());
    body.put("state", command.state().name());
    body.put("outcome", command.state() == CommandRepository.State.PENDING
        ? "accepted (command " + command.id() + "); not carried out yet: no node running chain "
            + command.request().chainId() + " has answered; it will be carried out when one does"
        : command.outcome());
    body.put("runId", Json.id(command.resultRunId()));
    body.put("handledBy", command.handledBy());
    body.put("requestedBy", command.request().requestedBy());
    return body;
  }

  private long existingChain(long chainId) {
    if (context.catalog().chain(chainId).isEmpty()) {
      throw ApiException.notFound("chain " + chainId + " does not exist");
    }
    return chainId;
  }

  private RunHistory.Run existingRun(long runId) {
    return context.runs().run(runId).orElseThrow(() -> ApiException.notFound("run " + runId + " does not exist"));
  }

  /**
   * An action needs the node's token when one is configured, else a loopback caller. A browser
   * request is refused unless its Origin is this node's own address (or one configured in
   * baton.http.allowed-origins); without a token the Host header must name this node as well, so a
   * page on a name that resolves to 127.0.0.1 (DNS rebinding) cannot act. Returns who asked.
   */
  private String authorise(Exchange ex) {
    String origin = ex.header("Origin");
    if (origin != null && !origins.allows(origin)) {
      throw new ApiException(403, "cross-site request refused: Origin " + origin + " is not this node"
          + " (baton.http.allowed-origins lists others)");
    }
    if ("cross-site".equals(ex.header("Sec-Fetch-Site"))) {
      throw new ApiException(403, "cross-site request refused");
    }
    String type = ex.header("Content-Type");
    if (type != null && !type.split(";")[0].trim().equalsIgnoreCase("application/json")) {
      throw new ApiException(415, "actions take a JSON body (Content-Type: application/json), not " + type);
    }
    if (context.settings().http().tokenSet()) {
      String auth = ex.header("Authorization");
      String expected = "Bearer " + context.settings().http().token();
      if (auth == null || !MessageDigest.isEqual(auth.trim().getBytes(StandardCharsets.UTF_8),
          expected.getBytes(StandardCharsets.UTF_8))) {
        throw new ApiException(401, auth == null ? "actions need Authorization: Bearer <baton.http.token>"
            : "the token is not this node's baton.http.token");
      }
    } else if (!ex.remote().isLoopbackAddress()) {
      throw new ApiException(401, "actions from other hosts need a token: set baton.http.token (BATON_HTTP_TOKEN)"
          + " on the node and send Authorization: Bearer <token>");
    } else if (!origins.isOwnHost(ex.header("Host"))) {
      throw new ApiException(403, "Host " + ex.header("Host") + " is not a name of this node; without a token,"
          + " actions are taken only under its own names");
    }
    String client = ex.header("X-Baton-Client");
    String address = ex.remote().getHostAddress();
    if (client == null || !CLI_CLIENT.matcher(client).matches()) {
      return "api@" + address;
    }
    // what a CLI says of itself is taken as it is from this host only
    return ex.remote().isLoopbackAddress() ? client : client + " via " + address;
  }
}
