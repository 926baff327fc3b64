package io.baton.exec;

import static io.baton.exec.ExecFixture.dep;
import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals: each would-be script creates a marker file if it ever ran, so "nothing executed" is
 * checked, not assumed.
 */
class LaunchChecksTest {
  @AutoClose final ExecFixture fx;
  final Path marker;
  final Path outside;

  LaunchChecksTest(@TempDir Path tmp) throws IOException {
    fx = new ExecFixture(tmp);
    marker = fx.marker;
    outside = fx.markerScript(fx.root.resolve("outside.sh"));
  }

  @Test
  void dotDotEscapeIsRefused() {
    String msg = fx.refused(job("/bin/sh", "../outside.sh"));
    assertTrue(msg.startsWith("job 12 of chain 3: script '../outside.sh' resolves outside "
        + fx.jobs), msg);
  }

  @Test
  void absolutePathOutsideIsRefused() {
    String msg = fx.refused(job(null, outside.toString()));
    assertTrue(msg.contains("resolves outside"), msg);
  }

  @Test
  void symlinkPointingOutsideIsRefused() throws IOException {
    Files.createSymbolicLink(fx.jobs.resolve("link.sh"), outside);
    String msg = fx.refused(job("", "link.sh"));
    assertTrue(msg.contains("'link.sh' resolves outside"), msg);
  }

  @Test
  void missingScriptIsRefused() {
    String msg = fx.refused(job("/bin/sh", "nope.sh arg"));
    assertTrue(msg.contains("'nope.sh' not found in " + fx.jobs), msg);
  }

  @Test
  void dependencyScriptsAreLookedUpInTheDependentFolderOnly() throws IOException {
    fx.markerScript(fx.jobs.resolve("check.sh"));
    String msg = fx.refused(dep("/bin/sh", "check.sh"));
    assertTrue(msg.startsWith("dependency 5 of chain 3: script 'check.sh' not found in "
        + fx.dependent), msg);
  }

  @Test
  void interpreterOutsideTheAllowlistIsRefused() throws IOException {
    script(fx.jobs.resolve("run.pl"), "system('touch', '" + marker + "');\n");
    String msg = fx.refused(job("/usr/bin/perl", "run.pl"));
    assertTrue(msg.contains("interpreter '/usr/bin/perl' is not allowed"), msg);
  }

  @Test
  void interpreterFlagsThatRunOtherCodeAreRefused() throws IOException {
    script(fx.jobs.resolve("ok.sh"), "#!/bin/sh\n");
    fx.refused(job("/bin/sh -c 'touch " + marker + "'", "ok.sh"));
    fx.refused(job("/bin/sh -ec", "ok.sh"));
    fx.refused(job("/usr/bin/python3 -m", "ok.sh"));
    fx.refused(job("/bin/bash --rcfile " + outside, "ok.sh"));
  }

  @Test
  void nonExecutableScriptWithoutInterpreterIsRefused() throws IOException {
    Path plain = fx.jobs.resolve("plain.sh");
    Files.writeString(plain, "#!/bin/sh\ntouch '" + marker + "'\n");
    String msg = fx.refused(job("  ", "plain.sh"));
    assertTrue(msg.contains("is not executable and no interpreter"), msg);
  }

  @Test
  void unbalancedQuotesAndEmptyCommandsAreRefused() {
    assertTrue(fx.refused(job("/bin/sh", "run.sh 'x")).contains("unclosed single quote"));
    assertTrue(fx.refused(job("/bin/sh", "  ")).contains("command is empty"));
  }

  @Test
  void theFolderItselfIsNoScript() {
    assertTrue(fx.refused(job("/bin/sh", ".")).contains("resolves outside"));
  }

  @Test
  void sameScriptRunsWhenInsideTheFolder() throws Exception {
    fx.markerScript(fx.jobs.resolve("sub/ok.sh"));
    RunningProcess p = fx.launcher.start(job(null, "sub/../sub/ok.sh"));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    assertTrue(Files.exists(marker));
  }
}
