package io.baton.exec;

import static io.baton.exec.ExecFixture.dep;
import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Processes that are allowed to run: arguments, environment, exit codes, log files. */
class ProcessLauncherTest {
  @AutoClose final ExecFixture fx;

  ProcessLauncherTest(@TempDir Path tmp) {
    fx = new ExecFixture(tmp);
  }

  private static String finish(RunningProcess p, int expectedExit) throws Exception {
    assertEquals(expectedExit, p.onExit().get(10, TimeUnit.SECONDS));
    return Files.readString(p.logPath());
  }

  /** A script in jobs/, how it is started, and what its log holds once it exited with {@code exit}. */
  record Started(String file, String body, String env, String command, int exit, String log) {}

  private void assertLogged(Started s) throws Exception {
    script(fx.jobs.resolve(s.file()), s.body());
    assertEquals(s.log(), finish(fx.launcher.start(job(s.env(), s.command())), s.exit()));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void exitCodeIsReported(int code) throws Exception {
    assertLogged(new Started("exit.sh", "echo leaving with $1\nexit $1\n", "/bin/sh", "exit.sh " + code, code,
        "leaving with " + code + "\n"));
  }

  static Stream<Named<Started>> scripts() {
    return Stream.of(
        Named.of("arguments arrive as split words", new Started("args.sh", "for a in \"$@\"; do echo \"[$a]\"; done\n",
            "/bin/sh", "args.sh 'a b' \"c\\\"d\" $HOME ''", 0, "[a b]\n[c\"d]\n[$HOME]\n[]\n")),
        Named.of("interpreter flags apply", new Started("strict.sh", "echo before\nfalse\necho after\n",
            "/bin/sh -e", "strict.sh", 1, "before\n")),
        Named.of("python with flags", new Started("hello.py", "import sys\nprint('py', sys.argv[1])\nsys.exit(3)\n",
            "/usr/bin/python3 -u", "hello.py x", 3, "py x\n")),
        Named.of("an executable script runs directly", new Started("direct.sh", "#!/bin/sh\necho direct \"$1\"\n",
            null, "direct.sh one", 0, "direct one\n")));
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void aScriptsOutputIsItsLog(Started s) throws Exception {
    assertLogged(s);
  }

  @Test
  void stdoutAndStderrShareTheLog() throws Exception {
    script(fx.jobs.resolve("both.sh"), "echo out\necho err >&2\necho out2\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "both.sh"));
    assertEquals("out\nerr\nout2\n", finish(p, 0));
    assertEquals("out\nerr\nout2", p.outputTail(100));
    assertEquals("err\nout2", p.outputTail(9));
    assertEquals("out2", p.outputTail(6));
  }

  @Test
  void jobSeesItsVariablesAndRunsInItsFolder() throws Exception {
    String expected = String.join("\n",
        "BATON_ATTEMPT=1", "BATON_CHAIN_ID=3", "BATON_JOB_ID=12", "BATON_NODE=exec-test",
        "BATON_NODE_PID=" + ProcessHandle.current().pid(), "BATON_RUN_ID=7",
        "BATON_SCHEDULED_TIME=2024-05-01T10:15:30Z", "BATON_STEP=2",
        fx.jobs.resolve("etl").toString(), System.getenv("PATH"), "");
    assertLogged(new Started("etl/env.sh", "env | grep '^BATON_' | sort\npwd -P\necho \"$PATH\"\n",
        "/bin/bash", "etl/env.sh", 0, expected));
  }

  @Test
  void dependencyCheckSeesItsVariables() throws Exception {
    script(fx.dependent.resolve("env.sh"), "env | grep '^BATON_' | sort\npwd -P\n");
    RunningProcess p = fx.launcher.start(dep("/bin/sh", "env.sh"));
    String expected = String.join("\n",
        "BATON_ATTEMPT=2", "BATON_CHAIN_ID=3", "BATON_DEP_ID=5", "BATON_NODE=exec-test",
        "BATON_NODE_PID=" + ProcessHandle.current().pid(), "BATON_RUN_ID=7",
        "BATON_SCHEDULED_TIME=2024-05-01T10:15:30Z", fx.dependent.toString(), "");
    assertEquals(expected, finish(p, 0));
  }

  @Test
  void logFilesAreNamedAfterTheRequestAndNeverReused() throws Exception {
    script(fx.jobs.resolve("a.sh"), "echo a\n");
    script(fx.dependent.resolve("d.sh"), "echo d\n");
    Path day = fx.logs.resolve(
        LocalDate.ofInstant(ExecFixture.SCHEDULED, ZoneId.systemDefault()).toString());
    RunningProcess first = fx.launcher.start(job("/bin/sh", "a.sh"));
    RunningProcess again = fx.launcher.start(job("/bin/sh", "a.sh"));
    RunningProcess check = fx.launcher.start(dep("/bin/sh", "d.sh"));
    assertEquals(day.resolve("chain-3/run-7-job-12-a1.log"), first.logPath());
    assertEquals(day.resolve("chain-3/run-7-job-12-a1-2.log"), again.logPath());
    assertEquals(day.resolve("chain-3/run-7-dep-5-c2.log"), check.logPath());
    assertTrue(first.logPath().isAbsolute());
    assertEquals("a\n", finish(first, 0));
    assertEquals("a\n", finish(again, 0));
    assertEquals("d\n", finish(check, 0));
  }

  @Test
  void processLeadsItsOwnGroupAndIsCounted() throws Exception {
    script(fx.jobs.resolve("wait.sh"), "exec sleep 1000\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "wait.sh"));
    assertEquals(1, fx.launcher.running());
    await().atMost(Duration.ofSeconds(5)).until(
        () -> ProcessTrees.read(p.pid()).map(proc -> proc.pgid() == p.pid()).orElse(false));
    assertTrue(ProcessTrees.isAlive(p.pid(), p.startTime()));
    p.stop(Duration.ofSeconds(1));
    assertEquals(143, p.onExit().get(10, TimeUnit.SECONDS));
    assertEquals(0, fx.launcher.running());
    assertEquals(List.of(), ProcessTrees.groupMembers(p.pid()));
  }

  /**
   * The log file is made by the process's start: a start refused at its instant leaves none (no
   * sign for a restarted node that the run began here), and the next start takes the first name.
   */
  @Test
  void aStartRefusedAtItsInstantLeavesNoLogFile() throws Exception {
    script(fx.jobs.resolve("a.sh"), "echo a\n");
    long soon = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    assertThrows(ProcessLauncher.NotNowException.class, () -> fx.launcher.start(job("/bin/sh", "a.sh"), soon, () -> false));
    assertFalse(fx.launcher.startedAnyOf(3, 7, ExecFixture.SCHEDULED));
    RunningProcess p = fx.launcher.start(job("/bin/sh", "a.sh"), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20),
        () -> true);
    assertTrue(fx.launcher.startedAnyOf(3, 7, ExecFixture.SCHEDULED));
    assertEquals("run-7-job-12-a1.log", p.logPath().getFileName().toString());
    assertEquals("a\n", finish(p, 0));
  }

  /** Waits both spun only (under a millisecond) and parked first. */
  @ParameterizedTest
  @ValueSource(longs = {400_000, 300_000_000})
  void aStartWaitsForItsInstantBeforeItIsAskedAndStarted(long waitNanos) throws Exception {
    script(fx.jobs.resolve("a.sh"), "echo a\n");
    long instant = System.nanoTime() + waitNanos;
    long[] askedAt = new long[1];
    RunningProcess p = fx.launcher.start(job("/bin/sh", "a.sh"), instant, () -> {
      askedAt[0] = System.nanoTime();
      return true;
    });
    assertTrue(askedAt[0] >= instant, "asked " + (instant - askedAt[0]) + " ns before its instant");
    assertEquals("a\n", finish(p, 0));
  }
}
