package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.api.Json;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The verbs that change something. Each is a durable command on the node: the answer is its
 * outcome (200), its refusal (409, exit 1), or that it is accepted and not carried out yet (202).
 */
public final class ActionVerbs {
  private ActionVerbs() {}

  /** Prints the outcome, and the run's id when the outcome line does not already name it. */
  static int report(Verb verb, JsonNode answer) {
    if (verb.json) {
      return 0;
    }
    String outcome = Cells.text(answer, "outcome");
    String runId = Cells.text(answer, "runId");
    verb.out().println(outcome);
    if (runId != null && (outcome == null || !outcome.contains(runId))) {
      verb.out().println("run " + runId);
    }
    verb.out().flush();
    return 0;
  }

  /** The chain a verb acts on: its first parameter. */
  static final class ChainId {
    @Parameters(index = "0", paramLabel = "CHAIN", description = "the chain's id")
    long id;

    String path(String action) {
      return "/api/v1/chains/" + id + "/" + action;
    }
  }

  /** The run a verb acts on: its first parameter. */
  static final class RunId {
    @Parameters(index = "0", paramLabel = "RUN", description = "the run's id")
    long id;

    String path(String action) {
      return "/api/v1/runs/" + id + "/" + action;
    }
  }

  @Command(name = "trigger", description = "Start a MANUAL run of a chain now (refused while it has an active run).")
  public static final class Trigger extends Verb {
    @Mixin ChainId chainId;

    @Override
    int run() {
      return report(this, act(chainId.path("trigger"), Json.object()));
    }
  }

  @Command(name = "cancel", description = "Cancel an active run: its processes are stopped, later levels never start.")
  public static final class Cancel extends Verb {
    @Mixin RunId runId;

    @Override
    int run() {
      return report(this, act(runId.path("cancel"), Json.object()));
    }
  }

  @Command(name = "rerun", description = "Run a finished run again from its failed step, as a new RERUN run.")
  public static final class Rerun extends Verb {
    @Mixin RunId runId;

    // required: the only rerun there is; saying it keeps the command line explicit about what runs
    @Option(names = "--from-failed", required = true,
        description = "start from the failed step (succeeded jobs are not run again)")
    boolean fromFailed;

    @Option(names = "--with-deps", description = "check the chain's dependencies again first")
    boolean withDeps;

    @Override
    int run() {
      ObjectNode body = Json.object().put("fromFailed", fromFailed).put("withDeps", withDeps);
      return report(this, act(runId.path("rerun"), body));
    }
  }

  @Command(name = "switch", description = "Switch a chain on or off (jobchain_table.switch).")
  public static final class Switch extends Verb {
    @Mixin ChainId chainId;

    @Parameters(index = "1", paramLabel = "on|off", description = "on or off")
    String position;

    @Override
    int run() {
      String p = position.toLowerCase(Locale.ROOT);
      if (!p.equals("on") && !p.equals("off")) {
        throw new CliException(CliException.USAGE, "switch takes on or off, got '" + position + "'");
      }
      return report(this, act(chainId.path("switch"), Json.object().put("on", p.equals("on"))));
    }
  }
}
