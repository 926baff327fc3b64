package io.baton.cli;

import static io.baton.cli.Cells.seconds;
import static io.baton.cli.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** baton show: one run, its dependency checks, then its jobs level by level. */
@Command(name = "show", description = "Show one run: its dependency checks and its jobs by level.")
public final class ShowVerb extends Verb {
  @Parameters(paramLabel = "RUN", description = "the run's id")
  long runId;

  @Override
  int run() {
    JsonNode answer = read("/api/v1/runs/" + runId);
    if (json) {
      return 0;
    }
    JsonNode run = answer.path("run");
    Table header = new Table("", "");
    header.row("run", text(run, "runId"));
    header.row("chain", text(run, "chainId"));
    header.row("trigger", text(run, "trigger")
        + (text(run, "rerunOf") == null ? "" : " of run " + text(run, "rerunOf")));
    header.row("status", text(run, "status"));
    header.row("scheduled", text(run, "scheduled"));
    header.row("start", text(run, "start"));
    header.row("end", text(run, "end"));
    header.row("duration", seconds(run, "durationSeconds"));
    header.row("node", text(run, "node"));
    header.printWithoutHeader(out());

    out().println();
    Table deps = processes("DEP");
    for (JsonNode dep : answer.path("dependencies")) {
      processRow(deps, dep, "depId");
    }
    if (deps.isEmpty()) {
      out().println("dependencies: none checked");
    } else {
      out().println("dependencies:");
      deps.print(out(), "  ");
    }
    if (answer.path("levels").isEmpty()) {
      out().println("jobs: none started");
    }
    for (JsonNode level : answer.path("levels")) {
      Table jobs = processes("JOB");
      for (JsonNode job : level.path("jobs")) {
        processRow(jobs, job, "jobId");
      }
      out().println("level " + text(level, "stepLevel") + ":");
      jobs.print(out(), "  ");
    }
    out().flush();
    return 0;
  }

  private static Table processes(String kind) {
    return new Table(kind, "ATTEMPT", "START", "END", "EXIT", "STATUS", "NODE", "LOG");
  }

  private static void processRow(Table table, JsonNode process, String idField) {
    table.row(text(process, idField), text(process, "attempt"), text(process, "start"), text(process, "end"),
        text(process, "exitCode"), text(process, "status"), text(process, "node"), text(process, "logPath"));
  }
}
