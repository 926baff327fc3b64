package io.baton.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small {@code /bin/sh} companion process, one per node, that kills every process group the node
 * started if the JVM goes away without cleaning up (SIGKILL, OOM killer, crash). It learns the
 * groups from its stdin; when the JVM dies the kernel closes that pipe, and end of input is the
 * signal to kill whatever is still registered. {@code PR_SET_PDEATHSIG} alone would only reach the
 * direct child, not the scripts' own children. Processes that left their group are not reached
 * here; the node's next start kills them ({@link Orphans#killLeftovers}).
 */
final class ProcessReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessReaper.class);
  private static final String SCRIPT = "reaper.sh";

  private final Process process;
  private final OutputStream groups;
  private boolean broken;

  private ProcessReaper(Process process) {
    this.process = process;
    this.groups = process.getOutputStream();
  }

  /** Starts the companion in its own session, so signals sent to the node's group spare it. */
  static ProcessReaper start() throws IOException {
    String script;
    try (InputStream in = ProcessReaper.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IOException("resource " + SCRIPT + " is missing");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // Passed with -c rather than as a file: nothing to clean up in /tmp after a crash.
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(Path.of(WrapperSpawner.SETSID))) {
      argv.add(WrapperSpawner.SETSID);
    }
    // bash can wait for input with a timeout, which a frozen node's deadline needs; sh cannot
    String shell = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
    argv.addAll(List.of(shell, "-c", script, "baton-reaper"));
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().keySet().removeIf(ProcessLauncher::isNodeSecret); // it needs none of them
    Process p = builder
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .directory(new File("/"))
        .start();
    return new ProcessReaper(p);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The group {@code pgid} was started; kill it if this JVM dies. */
  void register(long pgid) {
    send("+" + pgid);
  }

  /** The group {@code pgid} is fully gone; its id may be reused by someone else from now on. */
  void unregister(long pgid) {
    send("-" + pgid);
  }

  /**
   * After {@code epochMillis} (wall clock) with no newer deadline, every registered group is killed:
   * the node froze past the point where its lease may be another node's. 0: no deadline.
   */
  void deadline(long epochMillis) {
    send("d" + Math.max(0, epochMillis));
  }

  private synchronized void send(String line) {
    if (broken) {
      return;
    }
    try {
      groups.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      groups.flush();
    } catch (IOException e) {
      // Processes still die with the JVM through PDEATHSIG, but their children would not.
      broken = true;
      log.warn("process reaper {} is gone ({}); children of jobs may outlive a crash of this node",
          process.pid(), e.toString());
    }
  }

  /**
   * Ends the companion the same way a JVM crash would: it kills every group still registered and
   * exits. Waits a few seconds for that to be done.
   */
  @Override
  public synchronized void close() {
    broken = true;
    try {
      groups.close();
    } catch (IOException e) {
      // already closed: the companion sees end of input either way
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
