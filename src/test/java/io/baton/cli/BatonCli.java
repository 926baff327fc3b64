package io.baton.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CLI as an operator runs it: {@code java -jar target/baton.jar VERB ...} in its own process,
 * from a folder without an application.conf, its output kept in files so nothing blocks on a pipe.
 */
final class BatonCli {
  private static final Path JAR = Path.of("target", "baton.jar").toAbsolutePath();

  /** What the operator saw: the exit code, stdout and stderr. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** A CLI still running (a followed log): its output so far can be read at any time. */
  record Running(Process process, Path out, Path err) {
    String outSoFar() throws IOException {
      return Files.readString(out);
    }

    Result await(long seconds) throws Exception {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the CLI did not end within " + seconds + " s; stdout so far:\n" + outSoFar());
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
  }

  private final Path workDir;
  private int count;

  BatonCli(Path workDir) {
    assertTrue(Files.isRegularFile(JAR), JAR + " is built in the package phase, before the integration tests");
    this.workDir = workDir;
  }

  Result run(String... args) throws Exception {
    return start(args).await(90);
  }

  Running start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    int n = ++count;
    Path out = workDir.resolve("cli-" + n + ".out");
    Path err = workDir.resolve("cli-" + n + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("BATON_")); // the test says what it means
    return new Running(builder.start(), out, err);
  }
}
