package io.baton.cli;

import static io.baton.cli.Cells.seconds;
import static io.baton.cli.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** baton runs: the latest runs, of every chain or of one. */
@Command(name = "runs", description = "List the latest runs, newest first.")
public final class RunsVerb extends Verb {
  @Parameters(paramLabel = "CHAIN", arity = "0..1", description = "only the runs of this chain (its id)")
  Long chain;

  @Option(names = "--status", paramLabel = "S",
      description = "only runs with this status (RUNNING, SUCCESS, FAILED, ...)")
  String status;

  @Option(names = "--limit", paramLabel = "N", description = "at most N runs (default 50)")
  Integer limit;

  @Override
  int run() {
    JsonNode runs = read(query("/api/v1/runs", param("chain", chain), param("status", status),
        param("limit", limit)));
    if (json) {
      return 0;
    }
    Table table = new Table("RUN", "CHAIN", "TRIGGER", "SCHEDULED", "START", "END", "DURATION", "STATUS", "NODE");
    for (JsonNode run : runs.path("runs")) {
      table.row(text(run, "runId"), text(run, "chainId"), text(run, "trigger"), text(run, "scheduled"),
          text(run, "start"), text(run, "end"), seconds(run, "durationSeconds"), text(run, "status"),
          text(run, "node"));
    }
    if (table.isEmpty()) {
      out().println("no runs");
    } else {
      table.print(out());
    }
    out().flush();
    return 0;
  }
}
