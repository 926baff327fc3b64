package io.baton.cli;

import static io.baton.cli.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** baton preview: what a chain would do if it fired now, without running anything. */
@Command(name = "preview", description = "Show a chain's verdict, next fires and the exact argv of each process.")
public final class PreviewVerb extends Verb {
  @Parameters(paramLabel = "CHAIN", description = "the chain's id")
  long chainId;

  @Option(names = "--n", paramLabel = "N", description = "how many next fires to show (default 10)")
  Integer n;

  @Override
  int run() {
    JsonNode preview = read(query("/api/v1/chains/" + chainId + "/preview", param("n", n)));
    if (json) {
      return 0;
    }
    boolean valid = preview.path("valid").asBoolean();
    out().println("chain " + chainId + ": " + (valid ? "valid" : "NOT VALID (held)"));
    for (JsonNode problem : preview.path("problems")) {
      out().println("  problem: " + problem.asText());
    }
    out().println("switch " + text(preview, "switch") + ", main_flag " + flag(preview, "mainFlag") + ", BKP_flag "
        + flag(preview, "bkpFlag"));
    out().println("schedule " + text(preview, "timestr") + ", next fires (" + text(preview, "zone") + "):");
    if (preview.path("nextFires").isEmpty()) {
      out().println("  none");
    }
    for (JsonNode fire : preview.path("nextFires")) {
      out().println("  " + fire.asText());
    }
    out().println("dependencies:");
    if (preview.path("dependencies").isEmpty()) {
      out().println("  none");
    }
    for (JsonNode dep : preview.path("dependencies")) {
      out().println("  dep " + text(dep, "depId") + " (ottime " + text(dep, "ottimeSeconds") + "s): " + launch(dep));
    }
    for (JsonNode level : preview.path("levels")) {
      out().println("level " + text(level, "stepLevel") + ":");
      for (JsonNode job : level.path("jobs")) {
        out().println("  job " + text(job, "jobId") + " (ottime " + text(job, "ottime") + "): " + launch(job));
      }
    }
    out().flush();
    return 0;
  }

  /** The argv the process would start with, or why it would be refused. */
  private static String launch(JsonNode process) {
    JsonNode argv = process.get("argv");
    if (argv == null || !argv.isArray()) {
      return "REFUSED: " + text(process, "refused");
    }
    return Cells.argv(argv);
  }

  private static String flag(JsonNode preview, String field) {
    return preview.path(field).asBoolean() ? "1" : "0";
  }
}
