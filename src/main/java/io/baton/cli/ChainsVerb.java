package io.baton.cli;

import static io.baton.cli.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** baton chains: one page of chains with their state, next fire and last run. */
@Command(name = "chains", description = "List the chains: schedule, switch, next fire, last run, state.")
public final class ChainsVerb extends Verb {
  @Option(names = "--q", paramLabel = "TEXT",
      description = "only chains whose id or description contains TEXT (any case)")
  String q;

  @Option(names = "--state", paramLabel = "S", description = "only chains in this state: armed, running, held or off")
  String state;

  @Option(names = "--limit", paramLabel = "N", description = "at most N chains (default 50)")
  Integer limit;

  @Option(names = "--offset", paramLabel = "N", description = "skip the first N chains")
  Integer offset;

  @Override
  int run() {
    JsonNode page = read(query("/api/v1/chains", param("q", q), param("state", state), param("limit", limit),
        param("offset", offset)));
    if (json) {
      return 0;
    }
    // the state goes last: a held chain's reason can be long, and the columns before it stay aligned
    Table table = new Table("ID", "DESCRIPTION", "SCHEDULE", "SWITCH", "NEXT FIRE", "LAST STATUS", "LAST END", "STATE");
    for (JsonNode chain : page.path("chains")) {
      JsonNode last = chain.get("lastRun");
      table.row(text(chain, "id"), text(chain, "description"), text(chain, "timestr"), text(chain, "switch"),
          text(chain, "nextFire"), text(last, "status"), text(last, "end"), state(chain));
    }
    int total = page.path("total").asInt();
    int from = page.path("offset").asInt();
    int shown = page.path("chains").size();
    if (table.isEmpty()) {
      out().println(total == 0 ? "no chains" + (q != null || state != null ? " match" : "")
          : "no chains at offset " + from + " (" + total + " in all)");
    } else {
      table.print(out());
      if (shown < total) {
        out().println("showing " + (from + 1) + "-" + (from + shown) + " of " + total);
      }
    }
    out().flush();
    return 0;
  }

  /** A held chain shows why; so does one that is off although its switch is ON (another site's). */
  private static String state(JsonNode chain) {
    String state = text(chain, "state");
    String reason = text(chain, "heldReason");
    boolean explains = "held".equals(state) || ("off".equals(state) && "ON".equals(text(chain, "switch")));
    return reason != null && explains ? state + ": " + reason : state;
  }
}
