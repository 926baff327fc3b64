package io.baton.exec;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The companion is driven directly: closing its stdin is what the kernel does when the JVM dies. */
class ProcessReaperTest {
  private Process victim;
  private Process spared;
  private Process canary;

  private static Process group() throws Exception {
    Process p = new ProcessBuilder("/usr/bin/setsid", "/bin/sh", "-c", "sleep 1000 & sleep 1000")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTrees.groupMembers(p.pid()).size() == 3);
    return p;
  }

  @AfterEach
  void cleanUp() {
    for (Process p : new Process[] {victim, spared, canary}) {
      if (p != null && !ProcessTrees.groupMembers(p.pid()).isEmpty()) {
        ProcessTrees.killGroup(p.pid());
      }
    }
  }

  @Test
  void endOfInputKillsEveryRegisteredGroup() throws Exception {
    victim = group();
    spared = group();
    List<ProcessHandle> tree = ProcessTrees.descendants(victim.pid());
    ProcessReaper reaper = ProcessReaper.start();
    reaper.register(victim.pid());
    reaper.register(spared.pid());
    reaper.register(99_999_999); // an id nobody has: must not disturb the rest
    reaper.unregister(spared.pid());

    reaper.close();

    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTrees.groupMembers(victim.pid()).isEmpty());
    assertTrue(tree.stream().noneMatch(ProcessTrees::isLive));
    assertEquals(3, ProcessTrees.groupMembers(spared.pid()).size());
    assertTrue(!reaper.isAlive());
  }

  @Test
  void garbageLinesAreIgnored() throws Exception {
    victim = group();
    ProcessReaper reaper = ProcessReaper.start();
    reaper.register(victim.pid());
    reaper.unregister(12); // never registered
    reaper.register(-1); // "+-1": not a group id
    reaper.close();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTrees.groupMembers(victim.pid()).isEmpty());
  }

  @Test
  void aLineReadInTwoPartsCountsWhole() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "the timed read is bash's");
    victim = group();
    canary = group();
    String script;
    try (InputStream in = ProcessReaper.class.getResourceAsStream("reaper.sh")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Process companion = new ProcessBuilder("/bin/bash", "-c", script, "baton-reaper")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (OutputStream groups = companion.getOutputStream()) {
      // a deadline a second ahead, then the first byte of a line: the canary is killed once a read
      // ends after the deadline, and with no line end to come only a read that gives up does, one
      // that holds that first byte
      groups.write(("+" + canary.pid() + "\nd" + (System.currentTimeMillis() + 1000) + "\n+")
          .getBytes(StandardCharsets.US_ASCII));
      groups.flush();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ProcessTrees.groupMembers(canary.pid()).isEmpty());
      groups.write((victim.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTrees.groupMembers(victim.pid()).isEmpty());
    assertTrue(companion.waitFor(5, TimeUnit.SECONDS));
  }

}
