package io.baton.exec;

import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCapTest {
  private static final int CAP = 1000;
  @AutoClose final ExecFixture fx;

  LogCapTest(@TempDir Path tmp) {
    fx = new ExecFixture(tmp, CAP);
  }

  @Test
  void outputBeyondTheCapIsDroppedAndMarked() throws Exception {
    script(fx.jobs.resolve("chatty.sh"), "head -c 5000 /dev/zero | tr '\\0' x\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "chatty.sh"));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    String log = Files.readString(p.logPath());
    assertEquals("x".repeat(CAP) + "\n[baton] output cut at 1000 bytes; 4000 bytes dropped\n", log);
  }

  @Test
  void capIsAppliedWhileTheProcessRuns() throws Exception {
    // 3000 bytes, then more after the first cut, then waiting to be stopped.
    script(fx.jobs.resolve("slow.sh"), String.join("\n",
        "head -c 3000 /dev/zero | tr '\\0' a",
        "while [ ! -f go ]; do sleep 0.05; done",
        "head -c 500 /dev/zero | tr '\\0' b",
        "echo",
        "exec sleep 1000", ""));
    RunningProcess p = fx.launcher.start(job("/bin/sh", "slow.sh"));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> Files.readString(p.logPath()).endsWith("; 2000 bytes dropped\n"));
    Files.createFile(fx.jobs.resolve("go"));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> Files.readString(p.logPath()).endsWith("; 2501 bytes dropped\n"));
    assertTrue(p.outputTail(80).startsWith("[baton] output cut at 1000 bytes"), p.outputTail(80));

    p.stop(Duration.ofSeconds(1));
    assertEquals(143, p.onExit().get(10, TimeUnit.SECONDS));
    assertEquals("a".repeat(CAP) + "\n[baton] output cut at 1000 bytes; 2501 bytes dropped\n",
        Files.readString(p.logPath()));
  }
}
