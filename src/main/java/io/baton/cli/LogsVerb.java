package io.baton.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** baton logs: the log of one job or dependency check of a run, whole or followed as it grows. */
@Command(name = "logs", description = "Print the log of a run's job (--job) or dependency check (--dep);"
    + " with neither, of its latest job that did not succeed (else its latest job, else its latest check).")
public final class LogsVerb extends Verb {
  @Parameters(paramLabel = "RUN", description = "the run's id")
  long runId;

  /** A log belongs to one process: the run's job or its dependency check. */
  static final class Process {
    @Option(names = "--job", paramLabel = "ID", required = true, description = "the job (jobtable.id)")
    Long job;

    @Option(names = "--dep", paramLabel = "ID", required = true, description = "the dependency (deptable.id)")
    Long dep;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Process process = new Process();

  @Option(names = "--attempt", paramLabel = "N", description = "this attempt (default: the latest)")
  Integer attempt;

  @Option(names = "--follow", description = "keep printing new lines until the process ends")
  boolean follow;

  @Override
  int run() throws IOException {
    String path = query("/api/v1/runs/" + runId + "/logs", param("job", process.job), param("dep", process.dep),
        param("attempt", attempt));
    return follow ? follow(path) : whole(path);
  }

  private int whole(String path) {
    NodeClient.Answer answer = client().get(path);
    if (answer.status() != 200) {
      throw NodeClient.failure(answer);
    }
    out().print(answer.body());
    out().flush();
    return 0;
  }

  /**
   * Server-sent events: each {@code data:} line is a line of the log; the {@code end} event (its
   * data is the process's status) closes the stream. --json does not apply: a log is text.
   */
  private int follow(String path) throws IOException {
    HttpResponse<InputStream> response = client().stream(path, "text/event-stream");
    try (InputStream in = new BufferedInputStream(response.body())) {
      if (response.statusCode() != 200) {
        throw NodeClient.failure(NodeClient.read(response.statusCode(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
      String event = null;
      String line;
      while ((line = nextLine(in)) != null) {
        if (line.isEmpty()) {
          if ("end".equals(event)) {
            return 0;
          }
          event = null;
        } else if (line.startsWith("event:")) {
          event = field(line, "event:");
        } else if (line.startsWith("data:") && event == null) {
          out().println(field(line, "data:"));
          out().flush(); // a follower wants each line as it comes
        }
      }
      if ("end".equals(event)) {
        return 0;
      }
    }
    throw new CliException(CliException.USAGE, "the node at " + client().base()
        + " closed the log before the process ended");
  }

  /** A field's value: what follows its name, less the one space the format allows. */
  private static String field(String line, String name) {
    String value = line.substring(name.length());
    return value.startsWith(" ") ? value.substring(1) : value;
  }

  /**
   * The next line, ended by LF only: the node frames each log line as one {@code data:} line
   * without escaping a carriage return inside it (a progress bar's), which must not cut the line.
   */
  private static String nextLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      return null;
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
