package io.baton.cli;

import static io.baton.cli.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** baton validate: every chain's problems; exit 1 when any chain has one, so a script can gate on it. */
@Command(name = "validate", description = "Check every chain; exit 1 when any has a problem.")
public final class ValidateVerb extends Verb {
  @Override
  int run() {
    JsonNode answer = read("/api/v1/validate");
    boolean valid = answer.path("valid").asBoolean();
    if (!json) {
      int chains = answer.path("chains").asInt();
      if (valid) {
        out().println(chains + " chains, no problems");
      }
      for (JsonNode chain : answer.path("invalid")) {
        for (JsonNode problem : chain.path("problems")) {
          out().println("chain " + text(chain, "chainId") + ": " + problem.asText());
        }
      }
      if (!valid) {
        out().println(answer.path("invalid").size() + " of " + chains + " chains have problems");
      }
      out().flush();
    }
    return valid ? 0 : CliException.REFUSED;
  }
}
