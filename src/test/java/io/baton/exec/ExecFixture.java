package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.config.BatonSettings.ExecSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Script folders under a temporary root, a launcher over them, and request shortcuts. A test
 * holds it in an {@code @AutoClose} field, made from a {@code @TempDir} in its constructor.
 */
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
  /** The file a script that must not run creates if it ever does. */
  final Path marker;
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
      this.marker = this.root.resolve("ran");
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

  /** An executable script that creates {@link #marker}: if the marker exists, the script ran. */
  Path markerScript(Path file) throws IOException {
    return script(file, "#!/bin/sh\ntouch '" + marker + "'\n");
  }

  /**
   * Starting {@code request} is refused and nothing ran: no marker, no log, no process. Returns the
   * refusal, as the operator reads it.
   */
  String refused(ProcessRequest request) {
    LaunchRefusedException e = assertThrows(LaunchRefusedException.class, () -> launcher.start(request));
    assertFalse(Files.exists(marker), "a script that must not run ran");
    assertFalse(Files.exists(logs), "a log was created for a refused command");
    assertEquals(0, launcher.running());
    assertTrue(e.getMessage().endsWith("nothing was run"), e.getMessage());
    return e.getMessage();
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
