package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessTreesTest {

  @Test
  void aliveMeansSamePidAndSameStart() {
    ProcessHandle self = ProcessHandle.current();
    Instant start = self.info().startInstant().orElseThrow();
    assertTrue(ProcessTrees.isAlive(self.pid(), start));
    assertTrue(ProcessTrees.isAlive(self.pid(), start.plusMillis(500)));
    assertFalse(ProcessTrees.isAlive(self.pid(), start.minus(Duration.ofMinutes(5))));
  }

  @Test
  void exitedProcessIsNotAlive() throws Exception {
    Process p = new ProcessBuilder("/bin/true").start();
    Instant start = p.info().startInstant().orElse(Instant.now());
    p.onExit().get(5, TimeUnit.SECONDS);
    assertFalse(ProcessTrees.isAlive(p.pid(), start));
  }

  @Test
  void refusesToSignalSpecialOrOwnGroups() {
    assertThrows(IllegalArgumentException.class, () -> ProcessTrees.killGroup(1));
    assertThrows(IllegalArgumentException.class, () -> ProcessTrees.killGroup(0));
    long own = ProcessTrees.read(ProcessHandle.current().pid()).orElseThrow().pgid();
    assertThrows(IllegalArgumentException.class, () -> ProcessTrees.killGroup(own));
  }

  @Test
  void killingAGroupThatIsGoneReportsFalse() {
    assertFalse(ProcessTrees.killGroup(99_999_999));
  }
}
