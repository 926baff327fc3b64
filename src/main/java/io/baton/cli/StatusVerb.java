package io.baton.cli;

import static io.baton.cli.Cells.seconds;
import static io.baton.cli.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** baton status: the nodes sharing the database, who leads, and how many chains are in each state. */
@Command(name = "status", description = "Show the nodes, the leader and the chains' states.")
public final class StatusVerb extends Verb {
  @Override
  int run() {
    JsonNode status = read("/api/v1/status");
    if (json) {
      return 0;
    }
    Table nodes = new Table("NODE", "SITE", "HOST", "PID", "ROLE", "EPOCH", "HEARTBEAT AGE", "CLUSTER MEMBER");
    for (JsonNode n : status.path("nodes")) {
      nodes.row(text(n, "name"), text(n, "site"), text(n, "host"), text(n, "pid"), text(n, "role"),
          text(n, "epoch"), seconds(n, "heartbeatAgeSeconds"), text(n, "member"));
    }
    nodes.print(out());
    String leader = text(status, "leader");
    out().println();
    out().println(leader == null ? "leader: none (no node holds the lease)"
        : "leader: " + leader + " (epoch " + text(status, "epoch") + ")");
    JsonNode c = status.path("chains");
    out().println("chains: " + text(c, "total") + " total, " + text(c, "armed") + " armed, " + text(c, "running")
        + " running, " + text(c, "held") + " held, " + text(c, "off") + " off");
    out().flush();
    return 0;
  }
}
