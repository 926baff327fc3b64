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
  private final Process process;
  private final Path output;

  private NodeProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code java -jar target/baton.jar start} with the test node's settings as -D options. */
  static NodeProcess start(TestNode node, Map<String, Object> extra, String name) throws IOException {
    return start(node, extra, Map.of(), name);
  }

  /** As above, with {@code environment} added to the node's environment variables. */
  static NodeProcess start(TestNode node, Map<String, Object> extra, Map<String, String> environment, String name)
      throws IOException {
    NodeProcess started = launch(node, extra, environment, name);
    await().atMost(Duration.ofSeconds(60)).until(() -> started.log().contains("started (site") || !started.alive());
    if (!started.alive()) {
      throw new IllegalStateException("node did not start:\n" + started.log());
    }
    return started;
  }

  /** Starts the JVM and returns at once: the node may yet start or refuse to. */
  static NodeProcess launch(TestNode node, Map<String, Object> extra, Map<String, String> environment, String name)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    node.overrides().forEach((k, v) -> {
      if (!extra.containsKey(k)) {
        command.add("-D" + k + "=" + v);
      }
    });
    extra.forEach((k, v) -> {
      if (v != null) { // null: leave the key to its default
        command.add("-D" + k + "=" + v);
      }
    });
    command.addAll(List.of("-jar", Path.of("target", "baton.jar").toAbsolutePath().toString(), "start"));
    Path output = node.home.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(node.home.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().remove("BATON_DB_URL");
    pb.environment().putAll(environment);
    return new NodeProcess(pb.start(), output);
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
