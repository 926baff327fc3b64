package io.baton.exec;

import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping and cleaning up whole process trees. "Gone" means not running: in a container whose
 * init does not reap, killed orphans stay zombies, which hold nothing but a process-table entry.
 */
class ProcessStopTest {
  @AutoClose final ExecFixture fx;

  ProcessStopTest(@TempDir Path tmp) {
    fx = new ExecFixture(tmp);
  }

  private static List<ProcessHandle> treeOf(RunningProcess p, int size) {
    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTrees.groupMembers(p.pid()).size() == size);
    return ProcessTrees.descendants(p.pid());
  }

  private static void assertAllGone(RunningProcess p, List<ProcessHandle> tree) {
    assertEquals(List.of(), ProcessTrees.groupMembers(p.pid()));
    for (ProcessHandle h : tree) {
      assertFalse(ProcessTrees.isLive(h), "still running: " + h.pid());
    }
  }

  @Test
  void stopTerminatesTheWholeTree() throws Exception {
    script(fx.jobs.resolve("tree.sh"), "sh -c 'sleep 1000 & sleep 1000'\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "tree.sh"));
    List<ProcessHandle> tree = treeOf(p, 4); // tree.sh, sh -c, two sleeps
    assertEquals(3, tree.size());

    p.stop(Duration.ofSeconds(5));
    p.stop(Duration.ofSeconds(5)); // idempotent
    assertEquals(143, p.onExit().get(4, TimeUnit.SECONDS)); // well before the grace: TERM sufficed
    assertAllGone(p, tree);
    assertEquals(0, fx.launcher.running());
  }

  @Test
  void treeIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
    // An ignored signal stays ignored in children, so the sleeps ignore SIGTERM too.
    script(fx.jobs.resolve("stubborn.sh"), "trap '' TERM\nsleep 1000 &\nsleep 1000\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "stubborn.sh"));
    List<ProcessHandle> tree = treeOf(p, 3);

    long started = System.nanoTime();
    p.stop(Duration.ofMillis(700));
    assertEquals(137, p.onExit().get(10, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(700).toNanos());
    assertAllGone(p, tree);
  }

  @Test
  void backgroundChildrenAreCleanedUpAfterANormalExit() throws Exception {
    script(fx.jobs.resolve("leave.sh"), "sleep 1000 &\necho $! > bg.pid\necho done\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "leave.sh"));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    long bg = Long.parseLong(Files.readString(fx.jobs.resolve("bg.pid")).trim());
    assertFalse(ProcessHandle.of(bg).map(ProcessTrees::isLive).orElse(false));
    assertEquals(List.of(), ProcessTrees.groupMembers(p.pid()));
    assertEquals("done", p.outputTail(100));
  }

  @Test
  void childLeavingTheGroupIsStillKilled() throws Exception {
    // setsid moves the grandchild into a session of its own, out of reach of the group signal.
    script(fx.jobs.resolve("escape.sh"), "setsid sleep 1000 &\nsleep 1000\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "escape.sh"));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTrees.descendants(p.pid()).size() == 2);
    List<ProcessHandle> tree = ProcessTrees.descendants(p.pid());
    await().atMost(Duration.ofSeconds(5)).until(() -> tree.stream()
        .anyMatch(h -> ProcessTrees.read(h.pid()).map(x -> x.pgid() == h.pid()).orElse(false)));

    p.stop(Duration.ofSeconds(1));
    assertEquals(143, p.onExit().get(10, TimeUnit.SECONDS));
    assertAllGone(p, tree);
  }

  @Test
  void closeKillsWhatStillRuns() throws Exception {
    script(fx.jobs.resolve("long.sh"), "sleep 1000 &\nsleep 1000\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "long.sh"));
    List<ProcessHandle> tree = treeOf(p, 3);
    fx.launcher.close();
    assertEquals(137, p.onExit().get(1, TimeUnit.SECONDS));
    assertAllGone(p, tree);
  }
}
