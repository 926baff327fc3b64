package io.baton.exec;

import static io.baton.exec.ExecFixture.dep;
import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals: each would-be script creates a marker file if it ever ran, so "nothing executed" is
 * checked, not assumed.
 */
class LaunchChecksTest {
  @TempDir Path tmp;
  ExecFixture fx;
  Path marker;
  Path outside;

  @BeforeEach
  void setUp() throws IOException {
    fx = new ExecFixture(tmp);
    marker = fx.root.resolve("ran");
    outside = script(fx.root.resolve("outside.sh"), "#!/bin/sh\ntouch '" + marker + "'\n");
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private String refused(ProcessRequest request) {
    LaunchRefusedException e =
        assertThrows(LaunchRefusedException.class, () -> fx.launcher.start(request));
    assertFalse(Files.exists(marker), "the script ran");
    assertFalse(Files.exists(fx.logs), "a log was created for a refused command");
    assertEquals(0, fx.launcher.running());
    assertTrue(e.getMessage().endsWith("nothing was run"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void dotDotEscapeIsRefused() {
    String msg = refused(job("/bin/sh", "../outside.sh"));
    assertTrue(msg.startsWith("job 12 of chain 3: script '../outside.sh' resolves outside "
        + fx.jobs), msg);
  }

  @Test
  void absolutePathOutsideIsRefused() {
    String msg = refused(job(null, outside.toString()));
    assertTrue(msg.contains("resolves outside"), msg);
  }

  @Test
  void symlinkPointingOutsideIsRefused() throws IOException {
    Files.createSymbolicLink(fx.jobs.resolve("link.sh"), outside);
    String msg = refused(job("", "link.sh"));
    assertTrue(msg.contains("'link.sh' resolves outside"), msg);
  }

  @Test
  void missingScriptIsRefused() {
    String msg = refused(job("/bin/sh", "nope.sh arg"));
    assertTrue(msg.contains("'nope.sh' not found in " + fx.jobs), msg);
  }

  @Test
  void dependencyScriptsAreLookedUpInTheDependentFolderOnly() throws IOException {
    script(fx.jobs.resolve("check.sh"), "#!/bin/sh\ntouch '" + marker + "'\n");
    String msg = refused(dep("/bin/sh", "check.sh"));
    assertTrue(msg.startsWith("dependency 5 of chain 3: script 'check.sh' not found in "
        + fx.dependent), msg);
  }

  @Test
  void interpreterOutsideTheAllowlistIsRefused() throws IOException {
    script(fx.jobs.resolve("run.pl"), "system('touch', '" + marker + "');\n");
    String msg = refused(job("/usr/bin/perl", "run.pl"));
    assertTrue(msg.contains("interpreter '/usr/bin/perl' is not allowed"), msg);
  }

  @Test
  void interpreterFlagsThatRunOtherCodeAreRefused() throws IOException {
    script(fx.jobs.resolve("ok.sh"), "#!/bin/sh\n");
    refused(job("/bin/sh -c 'touch " + marker + "'", "ok.sh"));
    refused(job("/bin/sh -ec", "ok.sh"));
    refused(job("/usr/bin/python3 -m", "ok.sh"));
    refused(job("/bin/bash --rcfile " + outside, "ok.sh"));
  }

  @Test
  void nonExecutableScriptWithoutInterpreterIsRefused() throws IOException {
    Path plain = fx.jobs.resolve("plain.sh");
    Files.writeString(plain, "#!/bin/sh\ntouch '" + marker + "'\n");
    String msg = refused(job("  ", "plain.sh"));
    assertTrue(msg.contains("is not executable and no interpreter"), msg);
  }

  @Test
  void unbalancedQuotesAndEmptyCommandsAreRefused() {
    assertTrue(refused(job("/bin/sh", "run.sh 'x")).contains("unclosed single quote"));
    assertTrue(refused(job("/bin/sh", "  ")).contains("command is empty"));
  }

  @Test
  void theFolderItselfIsNoScript() {
    assertTrue(refused(job("/bin/sh", ".")).contains("resolves outside"));
  }

  @Test
  void sameScriptRunsWhenInsideTheFolder() throws Exception {
    script(fx.jobs.resolve("sub/ok.sh"), "#!/bin/sh\ntouch '" + marker + "'\n");
    RunningProcess p = fx.launcher.start(job(null, "sub/../sub/ok.sh"));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    assertTrue(Files.exists(marker));
  }
}
