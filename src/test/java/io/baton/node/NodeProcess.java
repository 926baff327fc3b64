package io.baton.node;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A node in a JVM of its own, started from the packaged jar, so a test can kill it with SIGKILL. */
final class NodeProcess {
  /** The JVM a node runs in: the client compiler only, as several node JVMs share two cores. */
  static final List<String> JVM = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  static final Path JAR = Path.of("target", "baton.jar").toAbsolutePath();

  private final Process process;
  private final Path output;

  private NodeProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Starts {@code java -jar target/baton.jar start} in {@code home} with {@code settings} as -D
   * options (a null value leaves its key to the default) and {@code environment} added; returns at
   * once: the node may yet start or refuse to. Its output goes to {@code <log>.log} in home.
   */
  static NodeProcess launch(Map<String, Object> settings, Map<String, String> environment, Path home, String log)
      throws IOException {
    List<String> command = new ArrayList<>(JVM);
    command.addAll(ClassArchive.options(JVM, JAR));
    settings.forEach((k, v) -> {
      if (v != null) {
        command.add("-D" + k + "=" + v);
      }
    });
    command.addAll(List.of("-jar", JAR.toString(), "start"));
    Path output = home.resolve(log + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().remove("BATON_DB_URL");
    pb.environment().putAll(environment);
    return new NodeProcess(pb.start(), output);
  }

  /** Waits (a minute at most) until the node says it started; fails with its output if it ended instead. */
  NodeProcess awaitStarted() {
    await().atMost(Duration.ofSeconds(60)).until(() -> log().contains("started (site") || !alive());
    if (!alive()) {
      throw new IllegalStateException("node did not start:\n" + logQuietly());
    }
    return this;
  }

  /** The exit code, once the process ended (within a minute). */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("the node did not exit");
    }
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** kill -9: no shutdown hook, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, and wait for the node to stop. */
  int terminate() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  /** SIGSTOP: the JVM is frozen as in a long GC pause or a suspended VM. */
  void pause() throws Exception {
    signal("STOP");
  }

  /** SIGCONT. */
  void resume() throws Exception {
    signal("CONT");
  }

  /** Resumed if paused, then killed: what a test left running does not outlive it. */
  void end() throws Exception {
    if (alive()) {
      resume();
      kill();
    }
  }

  private void signal(String name) throws Exception {
    new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
  }

  /** A run the node journaled ahead of its fire: its id and fire instant. */
  record Journaled(long runId, java.time.Instant fire) {}

  private static final java.util.regex.Pattern JOURNALED = java.util.regex.Pattern.compile(
      "chain (\\d+): run (\\d+) journaled, starts at its fire (\\S+) \\(SCHEDULE\\)");

  /** Waits for the node to log a run of {@code chain} journaled (durably) at least 400 ms before its fire. */
  Journaled awaitJournaledAhead(long chain) {
    Journaled[] found = {null};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      java.util.regex.Matcher m = JOURNALED.matcher(log());
      while (m.find()) {
        java.time.Instant fire = java.time.Instant.parse(m.group(3));
        if (Long.parseLong(m.group(1)) == chain && Duration.between(java.time.Instant.now(), fire).toMillis() > 400) {
          found[0] = new Journaled(Long.parseLong(m.group(2)), fire);
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  String logQuietly() {
    try {
      return log();
    } catch (IOException e) {
      return e.toString();
    }
  }

  String log() throws IOException {
    return Files.exists(output) ? Files.readString(output) : "";
  }
}
