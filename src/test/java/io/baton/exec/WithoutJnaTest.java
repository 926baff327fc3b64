package io.baton.exec;

import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs in a JVM of its own where JNA cannot load (see the pom): the launcher falls back to the JDK
 * and the setsid/setpriv wrappers, and groups are signalled with kill(1).
 */
class WithoutJnaTest {
  @TempDir Path tmp;

  @Test
  void jobsStillRunAndStopWithTheirWholeGroup() throws Exception {
    assertFalse(LibC.loadable());
    try (ExecFixture fx = new ExecFixture(tmp)) {
      script(fx.jobs.resolve("hello.sh"), "#!/bin/sh\necho hello $BATON_RUN_ID\n");
      RunningProcess hello = fx.launcher.start(job("", "hello.sh"));
      assertEquals(0, hello.onExit().get(10, TimeUnit.SECONDS));
      assertEquals("hello 7\n", Files.readString(hello.logPath()));

      script(fx.jobs.resolve("tree.sh"), "#!/bin/sh\nsleep 1000 &\nexec sleep 1000\n");
      RunningProcess tree = fx.launcher.start(job("", "tree.sh"));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> ProcessTrees.groupMembers(tree.pid()).size() == 2);
      tree.stop(Duration.ofSeconds(1));
      assertEquals(143, tree.onExit().get(10, TimeUnit.SECONDS));
      assertEquals(List.of(), ProcessTrees.groupMembers(tree.pid()));
    }
  }

  @Test
  void aProcessThatLeftItsJobIsKilledAtTheNextPeriodicCheck() throws Exception {
    // Not a subreaper here: the escaped process goes to init, and only its environment tells it.
    String escaping = OsProcesses.uniqueSleep();
    try (ExecFixture fx = new ExecFixture(tmp)) {
      script(fx.jobs.resolve("escape.sh"), "#!/bin/sh\n( setsid sleep " + escaping + " & )\nexit 0\n");
      RunningProcess p = fx.launcher.start(job("", "escape.sh"));
      assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> OsProcesses.running("sleep", escaping).isEmpty());
    } finally {
      OsProcesses.kill("sleep", escaping);
    }
  }
}
