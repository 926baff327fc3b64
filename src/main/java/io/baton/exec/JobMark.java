package io.baton.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Whose a process is, read from its environment: the node that started its job (name and the pid
 * of the node's JVM) and the job itself. Every job process is started with these variables and
 * its children inherit them, so a descendant that left the job's process group and session
 * ({@code setsid}) is still recognised, by the node that runs the job or, after that node died,
 * by its next start. A process that clears or replaces its environment loses the mark.
 *
 * @param node {@code BATON_NODE}: the node's name
 * @param nodePid {@code BATON_NODE_PID}: the node's JVM when the job started
 * @param deployment {@code BATON_DEPLOYMENT}: the id of the node's database (io.baton.db.DeploymentId);
 *     null for a process started without one
 * @param job the job (or dependency check) and attempt
 */
record JobMark(String node, long nodePid, String deployment, Key job) {
  static final String NODE = "BATON_NODE";
  static final String NODE_PID = "BATON_NODE_PID";
  static final String DEPLOYMENT = "BATON_DEPLOYMENT";

  /** One execution of a job or dependency check: what its processes are killed with. */
  record Key(long runId, ProcessKind kind, long refId, int attempt) {
    static Key of(ProcessRequest r) {
      return new Key(r.runId(), r.kind(), r.refId(), r.attempt());
    }

    @Override
    public String toString() {
      return kind == ProcessKind.JOB
          ? "job " + refId + " of run " + runId + " (attempt " + attempt + ")"
          : "dependency " + refId + " of run " + runId + " (check " + attempt + ")";
    }
  }

  /** The variables that mark the processes of a node, beside those of {@link LaunchPlan}. */
  static Map<String, String> variables(String node, long nodePid, String deployment) {
    return deployment == null ? Map.of(NODE, node, NODE_PID, Long.toString(nodePid))
        : Map.of(NODE, node, NODE_PID, Long.toString(nodePid), DEPLOYMENT, deployment);
  }

  /**
   * Whether the process may belong to a node of {@code deployment}: it carries that id, or none
   * (started without one), or {@code deployment} is null (a launcher that knows none).
   */
  boolean ofDeployment(String deployment) {
    return this.deployment == null || deployment == null || this.deployment.equals(deployment);
  }

  /** The mark of a running process; empty if it carries none or its environment cannot be read. */
  static Optional<JobMark> of(long pid) {
    byte[] environ = environ(pid);
    return environ == null ? Optional.empty() : parse(environ);
  }

  /**
   * The mark of a running process, its environment read again (up to three times, a millisecond
   * apart) while it comes back empty, as it does for a process in the middle of an exec: a job's
   * process that left its tree and execs right then must not pass for another program's.
   */
  static Optional<JobMark> ofSettled(long pid) {
    for (int attempt = 0; ; attempt++) {
      byte[] environ = environ(pid);
      if (environ == null) {
        return Optional.empty();
      }
      if (environ.length > 0 || attempt == 3) {
        return parse(environ);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  /** {@code /proc/<pid>/environ}; null if the process is gone, or another user's. */
  private static byte[] environ(long pid) {
    try {
      return Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /** Reads {@code /proc/<pid>/environ} content: NUL-separated {@code NAME=value}; the first of a name counts. */
  static Optional<JobMark> parse(byte[] environ) {
    String node = null;
    String nodePid = null;
    String deployment = null;
    String run = null;
    String job = null;
    String dep = null;
    String attempt = null;
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i < environ.length && environ[i] != 0) {
        continue;
      }
      // Only variables starting with BATON_ are decoded: most of an environment is skipped cheaply.
      if (i - start > 6 && environ[start] == 'B' && environ[start + 5] == '_') {
        String entry = new String(environ, start, i - start, StandardCharsets.UTF_8);
        int eq = entry.indexOf('=');
        if (eq > 0) {
          String value = entry.substring(eq + 1);
          switch (entry.substring(0, eq)) {
            case NODE -> node = node == null ? value : node;
            case NODE_PID -> nodePid = nodePid == null ? value : nodePid;
            case DEPLOYMENT -> deployment = deployment == null ? value : deployment;
            case "BATON_RUN_ID" -> run = run == null ? value : run;
            case "BATON_JOB_ID" -> job = job == null ? value : job;
            case "BATON_DEP_ID" -> dep = dep == null ? value : dep;
            case "BATON_ATTEMPT" -> attempt = attempt == null ? value : attempt;
            default -> { }
          }
        }
      }
      start = i + 1;
    }
    if (node == null || nodePid == null || run == null || attempt == null || (job == null) == (dep == null)) {
      return Optional.empty();
    }
    try {
      ProcessKind kind = job != null ? ProcessKind.JOB : ProcessKind.DEP;
      Key key = new Key(Long.parseLong(run), kind, Long.parseLong(job != null ? job : dep), Integer.parseInt(attempt));
      return Optional.of(new JobMark(node, Long.parseLong(nodePid), deployment, key));
    } catch (NumberFormatException e) {
      return Optional.empty(); // a script changed them: not a mark to act on
    }
  }
}
