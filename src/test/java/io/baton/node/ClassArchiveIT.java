package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node JVMs of the integration tests start from one class archive of target/baton.jar. It is
 * made here, among the tests that run side by side, so that the tests that run alone (which start
 * most of the node JVMs) do not wait for it.
 */
class ClassArchiveIT {

  @Test
  void aNodeJvmMapsTheArchiveMadeOfThisBuildsJar() throws Exception {
    List<String> options = ClassArchive.options(NodeProcess.JVM, NodeProcess.JAR);
    assertEquals(2, options.size(), "the archive was made: " + options);

    // -Xshare:on: the JVM refuses to start unless it maps the archive
    List<String> command = new ArrayList<>(NodeProcess.JVM);
    command.add("-Xshare:on");
    command.add(options.get(0));
    command.addAll(List.of("-jar", NodeProcess.JAR.toString(), "--version"));
    Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM ended");
    assertEquals(0, jvm.exitValue(), output);
    assertTrue(output.contains("Baton"), output);
  }
}
