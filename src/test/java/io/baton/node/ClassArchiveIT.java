package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node JVMs of the integration tests start from one class archive of target/baton.jar. In a
 * whole run it is made here, among the tests that run side by side, so that the tests that run
 * alone (which start most of the node JVMs) do not wait for it.
 */
class ClassArchiveIT {

  @Test
  void aNodeJvmMapsTheArchiveMadeOfThisBuildsJar(@TempDir Path dir) throws Exception {
    List<String> options = ClassArchive.options(NodeProcess.JVM, NodeProcess.JAR);
    // a JVM that cannot make one (no base archive of its own, say) starts nodes more slowly, no differently
    assumeTrue(!options.isEmpty(), "no class archive could be made here (see the error output)");

    // -Xshare:on: the JVM refuses to start unless it maps the archive
    List<String> command = new ArrayList<>(NodeProcess.JVM);
    command.add("-Xshare:on");
    command.add(options.get(0));
    command.addAll(List.of("-jar", NodeProcess.JAR.toString(), "--version"));
    Path output = dir.resolve("jvm.log");
    Process jvm = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM ended within a minute");
    } finally {
      jvm.destroyForcibly();
    }
    assertEquals(0, jvm.exitValue(), Files.readString(output));
    assertTrue(Files.readString(output).contains("Baton"), Files.readString(output));
  }
}
