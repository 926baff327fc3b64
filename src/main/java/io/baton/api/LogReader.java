package io.baton.api;

import io.baton.db.NodeRoster;
import io.baton.db.RunHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * A process's log: the file named by its job_run row, and only if that file lies in this node's
 * logs folder, so no request can read anything else. A file on another host is fetched from the
 * node that wrote it. With {@code Accept: text/event-stream} a running process's log is followed
 * until the process ends.
 */
final class LogReader {
  /** Logs followed at once: each holds a handler thread, and the other requests need theirs. */
  static final int FOLLOWERS = 16;
  private static final Duration FOLLOW_POLL = Duration.ofMillis(250);
  /** An idle followed log sends a comment this often: a client that left is noticed at the write. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(2);
  private static final Duration STATUS_POLL = Duration.ofSeconds(1);
  private static final int MAX_READ = 10 * 1024 * 1024;

  private final ApiContext context;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final java.util.concurrent.Semaphore followers = new java.util.concurrent.Semaphore(FOLLOWERS);

  LogReader(ApiContext context) {
    this.context = context;
  }

  void log(Exchange ex) throws IOException {
    long runId = ex.idParam(0, "run id");
    RunHistory.Process process = process(ex, runId);
    if (process.logPath() == null) {
      throw ApiException.notFound("the process has no log (it never started)");
    }
    Path file = Path.of(process.logPath());
    boolean follow = String.valueOf(ex.header("Accept")).contains("text/event-stream");
    boolean mine = context.settings().nodeName().equals(process.node());
    if (!isLocalLog(file)) {
      if (mine || ex.query("local") != null) {
        throw ApiException.notFound("no log file " + process.logPath() + " in the logs folder of node "
            + context.settings().nodeName() + " (deleted with old runs, or never written)");
      }
      if (follow && !followers.tryAcquire()) {
        throw new ApiException(503, FOLLOWERS + " logs are followed on this node already; try again later");
      }
      try {
        proxy(ex, process, follow);
      } finally {
        if (follow) {
          followers.release();
        }
      }
      return;
    }
    if (follow) {
      if (!followers.tryAcquire()) {
        throw new ApiException(503, FOLLOWERS + " logs are followed on this node already; try again later");
      }
      try {
        follow(ex, runId, process, file);
      } finally {
        followers.release();
      }
    } else {
      ex.send(200, "text/plain; charset=utf-8", read(file, 0));
    }
  }

  /**
   * The job (or dependency check) of the run asked for: its latest attempt unless one is named.
   * With neither named, the process an operator looks for first: the latest job that did not
   * succeed, else the latest job, else the latest dependency check.
   */
  private RunHistory.Process process(Exchange ex, long runId) {
    Long job = ex.longQuery("job");
    Long dep = ex.longQuery("dep");
    Long attempt = ex.longQuery("attempt");
    if (job != null && dep != null) {
      throw ApiException.badRequest("name one process: ?job=<jobtable.id> or ?dep=<deptable.id>");
    }
    if (context.runs().run(runId).isEmpty()) {
      throw ApiException.notFound("run " + runId + " does not exist");
    }
    List<RunHistory.Process> processes = context.runs().processes(runId);
    if (job == null && dep == null) {
      Comparator<RunHistory.Process> latest = Comparator.comparing(RunHistory.Process::start);
      return processes.stream().filter(p -> "JOB".equals(p.kind()) && !"SUCCESS".equals(p.status())).max(latest)
          .or(() -> processes.stream().filter(p -> "JOB".equals(p.kind())).max(latest))
          .or(() -> processes.stream().max(latest))
          .orElseThrow(() -> ApiException.notFound("run " + runId + " has started no process"));
    }
    String kind = job != null ? "JOB" : "DEP";
    long ref = job != null ? job : dep;
    List<RunHistory.Process> found = processes.stream()
        .filter(p -> p.kind().equals(kind) && p.refId() == ref)
        .filter(p -> attempt == null || p.attempt() == attempt)
        .toList();
    return found.stream().max(Comparator.comparingInt(RunHistory.Process::attempt))
        .orElseThrow(() -> ApiException.notFound((job != null ? "job " : "dependency ") + ref
            + (attempt == null ? "" : " attempt " + attempt) + " has no process in run " + runId));
  }

  /** Inside this node's logs folder once links are resolved, and present. */
  private boolean isLocalLog(Path file) {
    try {
      Path logs = context.launcher().logsDir().toRealPath();
      return Files.isRegularFile(file) && file.toRealPath().startsWith(logs);
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] read(Path file, long from) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long start = Math.max(from, length - MAX_READ);
      byte[] bytes = new byte[(int) Math.max(0, length - start)];
      raf.seek(start);
      raf.readFully(bytes);
      return bytes;
    }
  }

  /** Server-sent events: the log so far, then each new line, then an {@code end} event with the status. */
  private void follow(Exchange ex, long runId, RunHistory.Process process, Path file) throws IOException {
    ex.http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.http.getResponseHeaders().set("Cache-Control", "no-store");
    ex.http.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.http.getResponseBody()) {
      long offset = 0;
      StringBuilder partial = new StringBuilder();
      long lastStatusCheck = 0;
      long lastWrite = System.nanoTime();
      String status = process.status();
      boolean ended = process.end() != null;
      while (true) {
        byte[] chunk = read(file, offset);
        offset += chunk.length;
        partial.append(new String(chunk, StandardCharsets.UTF_8));
        int newline;
        StringBuilder events = new StringBuilder();
        while ((newline = partial.indexOf("\n")) >= 0) {
          events.append("data: ").append(oneLine(partial.substring(0, newline))).append("\n\n");
          partial.delete(0, newline + 1);
        }
        if (ended) {
          if (partial.length() > 0) {
            events.append("data: ").append(oneLine(partial.toString())).append("\n\n");
          }
          events.append("event: end\ndata: ").append(status).append("\n\n");
        }
        if (events.length() == 0 && System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
          events.append(": still running\n\n"); // a comment: fails once the client has gone
        }
        if (events.length() > 0) {
          out.write(events.toString().getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastWrite = System.nanoTime();
        }
        if (ended) {
          return;
        }
        sleep(FOLLOW_POLL);
        if (System.nanoTime() - lastStatusCheck > STATUS_POLL.toNanos()) {
          lastStatusCheck = System.nanoTime();
          RunHistory.Process now = context.runs().processes(runId).stream()
              .filter(p -> p.kind().equals(process.kind()) && p.refId() == process.refId()
                  && p.attempt() == process.attempt())
              .findFirst().orElse(process);
          status = now.status();
          ended = now.end() != null; // one more read after this picks up its last lines
        }
      }
    }
  }

  /** The file is on the host of the node that ran the process: that node serves it. */
  private void proxy(Exchange ex, RunHistory.Process process, boolean follow) throws IOException {
    NodeRoster.NodeRow owner = context.roster().nodes().stream().filter(n -> n.name().equals(process.node()))
        .findFirst().orElse(null);
    if (owner == null || owner.httpAddress() == null) {
      throw ApiException.notFound("the log is on node " + process.node() + " (" + process.logPath()
          + "), which does not serve it: it is not running or has no HTTP address");
    }
    URI uri = nodeAddress(owner).resolve(ex.http.getRequestURI().getRawPath() + "?"
        + ex.http.getRequestURI().getRawQuery() + "&local=1");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    if (follow) {
      request.header("Accept", "text/event-stream");
    } else {
      request.timeout(Duration.ofSeconds(30));
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ApiException(502, "the log is on node " + process.node() + " at " + owner.httpAddress()
          + ", which cannot be reached: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    }
    ex.http.getResponseHeaders().set("Content-Type",
        response.headers().firstValue("Content-Type").orElse("text/plain; charset=utf-8"));
    ex.http.sendResponseHeaders(response.statusCode(), 0);
    try (InputStream in = response.body(); OutputStream out = ex.http.getResponseBody()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }

  /**
   * A node's address as its row gives it, accepted only in the form a node writes (http, a host and
   * a port, nothing else): the row cannot make this node fetch another URL.
   */
  private static URI nodeAddress(NodeRoster.NodeRow node) {
    try {
      URI uri = new URI(node.httpAddress());
      boolean plain = "http".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0
          && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null && uri.getRawFragment() == null;
      if (plain) {
        return new URI("http", null, uri.getHost(), uri.getPort(), null, null, null);
      }
    } catch (java.net.URISyntaxException e) {
      // refused below
    }
    throw new ApiException(502, "node " + node.name() + " has no usable HTTP address ('" + node.httpAddress() + "')");
  }

  /** A carriage return would end an event's line early: progress bars are shown as their last state. */
  private static String oneLine(String line) {
    int cr = line.lastIndexOf('\r', line.length() - 2);
    return (cr >= 0 ? line.substring(cr + 1) : line).replace("\r", "");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // the follower's own thread, between two reads of the file
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    }
  }
}
