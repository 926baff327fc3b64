package io.baton.exec;

import io.baton.config.BatonSettings.ExecSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Script folders under a temporary root, a launcher over them, and request shortcuts. */
final class ExecFixture implements AutoCloseable {
  /** The node name the fixture's processes carry (BATON_NODE). */
  static final String NODE = "exec-test";
  static final Instant SCHEDULED = Instant.parse("2024-05-01T10:15:30Z");
  static final List<String> INTERPRETERS =
      List.of("/usr/bin/python3", "/usr/bin/python", "/bin/sh", "/bin/bash");

  final Path root;
  final Path jobs;
  final Path dependent;
  final Path logs;
  final ProcessLauncher launcher;

  ExecFixture(Path root) {
    this(root, 10L * 1024 * 1024);
  }

  ExecFixture(Path root, long logCapBytes) {
    try {
      this.root = root.toRealPath();
      this.jobs = Files.createDirectories(this.root.resolve("jobs"));
      this.dependent = Files.createDirectories(this.root.resolve("dependent"));
      this.logs = this.root.resolve("logs");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ExecSettings exec = new ExecSettings(
        INTERPRETERS, Duration.ofHours(1), Duration.ofSeconds(1), logCapBytes);
    this.launcher = new ProcessLauncher(exec, NODE, jobs, dependent, logs);
  }

  /** Writes an executable script. */
  static Path script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  static ProcessRequest job(String env, String command) {
    return new ProcessRequest(ProcessKind.JOB, 3, 7, 12, 2, 1, SCHEDULED, env, command);
  }

  static ProcessRequest dep(String env, String command) {
    return new ProcessRequest(ProcessKind.DEP, 3, 7, 5, null, 2, SCHEDULED, env, command);
  }

  @Override
  public void close() {
    launcher.close();
  }
}
