package io.baton.exec;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The companion is driven directly: closing its stdin is what the kernel does when the JVM dies. */
class ProcessReaperTest {
  private Process victim;
  private Process spared;

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
    for (Process p : new Process[] {victim, spared}) {
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
}
