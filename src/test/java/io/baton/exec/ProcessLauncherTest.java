package io.baton.exec;

import static io.baton.exec.ExecFixture.dep;
import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Processes that are allowed to run: arguments, environment, exit codes, log files. */
class ProcessLauncherTest {
  @TempDir Path tmp;
  ExecFixture fx;

  @BeforeEach
  void setUp() {
    fx = new ExecFixture(tmp);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private static String finish(RunningProcess p, int expectedExit) throws Exception {
    assertEquals(expectedExit, p.onExit().get(10, TimeUnit.SECONDS));
    return Files.readString(p.logPath());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void exitCodeIsReported(int code) throws Exception {
    script(fx.jobs.resolve("exit.sh"), "echo leaving with $1\nexit $1\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "exit.sh " + code));
    assertEquals("leaving with " + code + "\n", finish(p, code));
  }

  @Test
  void argumentsArriveAsSplitWords() throws Exception {
    script(fx.jobs.resolve("args.sh"), "for a in \"$@\"; do echo \"[$a]\"; done\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "args.sh 'a b' \"c\\\"d\" $HOME ''"));
    assertEquals("[a b]\n[c\"d]\n[$HOME]\n[]\n", finish(p, 0));
  }

  @Test
  void interpreterFlagsApply() throws Exception {
    script(fx.jobs.resolve("strict.sh"), "echo before\nfalse\necho after\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh -e", "strict.sh"));
    assertEquals("before\n", finish(p, 1));
  }

  @Test
  void pythonWithFlags() throws Exception {
    script(fx.jobs.resolve("hello.py"), "import sys\nprint('py', sys.argv[1])\nsys.exit(3)\n");
    RunningProcess p = fx.launcher.start(job("/usr/bin/python3 -u", "hello.py x"));
    assertEquals("py x\n", finish(p, 3));
  }

  @Test
  void executableScriptRunsDirectly() throws Exception {
    script(fx.jobs.resolve("direct.sh"), "#!/bin/sh\necho direct \"$1\"\n");
    RunningProcess p = fx.launcher.start(job(null, "direct.sh one"));
    assertEquals("direct one\n", finish(p, 0));
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
    script(fx.jobs.resolve("etl/env.sh"), "env | grep '^BATON_' | sort\npwd -P\necho \"$PATH\"\n");
    RunningProcess p = fx.launcher.start(job("/bin/bash", "etl/env.sh"));
    String expected = String.join("\n",
        "BATON_ATTEMPT=1", "BATON_CHAIN_ID=3", "BATON_JOB_ID=12", "BATON_NODE=exec-test",
        "BATON_NODE_PID=" + ProcessHandle.current().pid(), "BATON_RUN_ID=7",
        "BATON_SCHEDULED_TIME=2024-05-01T10:15:30Z", "BATON_STEP=2",
        fx.jobs.resolve("etl").toString(), System.getenv("PATH"), "");
    assertEquals(expected, finish(p, 0));
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
}
