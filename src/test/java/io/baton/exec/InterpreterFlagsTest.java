package io.baton.exec;

import static io.baton.exec.ExecFixture.INTERPRETERS;
import static io.baton.exec.ExecFixture.dep;
import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interpreter flags in a row's {@code env}: per interpreter only flags that take no value, and the
 * script's own arguments never reach the interpreter as options. Two programs outside the jobs
 * folder, {@code evil.py} and {@code evil.sh}, create a marker file if anything ever runs them, so
 * "only the checked script ran" is checked, not assumed.
 */
class InterpreterFlagsTest {
  /** Refused for every interpreter: each takes a value, runs other code, or is no flag at all. */
  static final List<String> NEVER = List.of(
      "-X", "-Xdev", "-X dev", "-W", "-Wdefault", "-W error", "-uX", "-uW", "-BX", "-OW",
      "-c", "-uc", "-ec", "-xc", "-c 'touch /tmp/x'", "-m", "-um", "-m http.server",
      "-o", "-eo", "-o errexit", "+O", "+O extglob", "+e", "-i", "-ei", "-l", "-D",
      "--", "-", "--rcfile", "--rcfile evil.sh", "--init-file", "--login", "--norc", "--posix",
      "-v", "-ev", "--help", "--version", "--check-hash-based-pycs always", "-e-", "-u=1", "''", "-é");

  /** Allowed for shells (no value, nothing else run), refused for Python. */
  static final List<String> SHELL_ONLY = List.of("-e", "-x", "-eux", "-ux");

  /** Allowed for Python, refused for shells (bash -O reads an option name, sh -s reads stdin). */
  static final List<String> PYTHON_ONLY = List.of("-O", "-OO", "-s", "-S", "-B", "-E", "-I", "-q", "-uB");

  static final String PYTHON_ALLOWED = "-u -B -E -s -S -I -O -OO -q";
  static final String SHELL_ALLOWED = "-e -u -x";

  @AutoClose final ExecFixture fx;
  final Path marker;
  final Path evilPy;
  final Path evilSh;

  InterpreterFlagsTest(@TempDir Path tmp) throws IOException {
    fx = new ExecFixture(tmp);
    marker = fx.marker;
    evilPy = script(fx.root.resolve("evil.py"), "open('" + marker + "', 'w').close()\n");
    evilSh = script(fx.root.resolve("evil.sh"), "touch '" + marker + "'\n");
    script(fx.jobs.resolve("hello.py"),
        "import sys\nfor a in sys.argv[1:]:\n    print('[' + a + ']')\n");
    script(fx.jobs.resolve("hello.sh"), "for a in \"$@\"; do echo \"[$a]\"; done\n");
  }

  private static boolean isPython(String interpreter) {
    return interpreter.contains("python");
  }

  private static void assumeInstalled(String interpreter) {
    assumeTrue(Files.isExecutable(Path.of(interpreter)), interpreter + " is not installed here");
  }

  /** The script printing its arguments one per line in brackets, in the interpreter's language. */
  private static String hello(String interpreter) {
    return isPython(interpreter) ? "hello.py" : "hello.sh";
  }

  private Path evil(String interpreter) {
    return isPython(interpreter) ? evilPy : evilSh;
  }

  private static String refusal(String label, String env, String flag, String interpreter) {
    String allowed = isPython(interpreter) ? PYTHON_ALLOWED : SHELL_ALLOWED;
    return label + ": env '" + env + "' has flag '" + flag + "', which " + interpreter
        + " does not allow (allowed: " + allowed + "); nothing was run";
  }

  static Stream<Arguments> refusedFlags() {
    List<Arguments> cases = new ArrayList<>();
    for (String interpreter : INTERPRETERS) {
      List<String> flags = new ArrayList<>(NEVER);
      flags.addAll(isPython(interpreter) ? SHELL_ONLY : PYTHON_ONLY);
      flags.forEach(flag -> cases.add(Arguments.of(interpreter, flag)));
    }
    return cases.stream();
  }

  /**
   * Every flag outside the interpreter's list is refused, with the evil program as the script's
   * argument: a flag that took the script as its value would make the interpreter run it. (The flag
   * check comes before the installed check, so this holds for an interpreter missing here too.)
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("refusedFlags")
  void flagsOutsideTheListAreRefused(String interpreter, String flags) {
    String env = interpreter + " " + flags;
    String msg = fx.refused(job(env, hello(interpreter) + " " + evil(interpreter)));
    String flag = CommandLine.split(flags).get(0);
    assertEquals(refusal("job 12 of chain 3", env, flag, interpreter), msg);
  }

  /** A refused flag after allowed ones is still named, for dependency checks too. */
  @Test
  void theOffendingFlagIsNamedAfterAllowedOnes() throws IOException {
    script(fx.dependent.resolve("check.sh"), "exit 0\n");
    String env = "/bin/sh -e -u -c 'touch " + marker + "'";
    assertEquals(refusal("dependency 5 of chain 3", env, "-c", "/bin/sh"),
        fx.refused(dep(env, "check.sh")));
  }

  /**
   * The attack: {@code env '/usr/bin/python3 -X'}, {@code command 'hello.sh
   * /usr/lib/python3.11/http/server.py --directory / 8000'} made Python take the checked script as
   * the value of -X and run the next argument as its program. Here that argument is evil.py.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-X", "-W", "-uX", "-uW"})
  void pythonTakingTheScriptAsAFlagValueIsRefused(String flag) throws Exception {
    assumeInstalled("/usr/bin/python3");
    String env = "/usr/bin/python3 " + flag;
    assertEquals(refusal("job 12 of chain 3", env, flag, "/usr/bin/python3"),
        fx.refused(job(env, "hello.sh " + evilPy + " --directory / 8000")));

    // The same words, started without the check, do run the other program: the check is what stops it.
    List<String> unchecked = List.of("/usr/bin/python3", flag, fx.jobs.resolve("hello.sh").toString(),
        evilPy.toString(), "--directory", "/", "8000");
    assertEquals(0, runUnchecked(unchecked));
    assertTrue(Files.exists(marker), "the unchecked command did not run " + evilPy);
  }

  /** Same with bash: --rcfile took the script as its file and ran the next word. */
  @Test
  void bashTakingTheScriptAsAnRcfileIsRefused() throws Exception {
    assumeInstalled("/bin/bash");
    String env = "/bin/bash --rcfile";
    assertEquals(refusal("job 12 of chain 3", env, "--rcfile", "/bin/bash"),
        fx.refused(job(env, "hello.sh " + evilSh)));

    List<String> unchecked =
        List.of("/bin/bash", "--rcfile", fx.jobs.resolve("hello.sh").toString(), evilSh.toString());
    assertEquals(0, runUnchecked(unchecked));
    assertTrue(Files.exists(marker), "the unchecked command did not run " + evilSh);
  }

  private int runUnchecked(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv)
        .redirectInput(new File("/dev/null"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "unchecked command still running");
    return p.exitValue();
  }

  static Stream<Arguments> allowedFlags() {
    List<Arguments> cases = new ArrayList<>();
    for (String python : List.of("/usr/bin/python3", "/usr/bin/python")) {
      for (String flags : List.of("", "-u", "-B", "-E", "-s", "-S", "-I", "-O", "-OO", "-q", "-uB",
          "-OOq", "-u -B -E -s -S -I -O -OO -q")) {
        cases.add(Arguments.of(python, flags));
      }
    }
    for (String shell : List.of("/bin/sh", "/bin/bash")) {
      for (String flags : List.of("", "-e", "-u", "-x", "-eux", "-e -u -x")) {
        cases.add(Arguments.of(shell, flags));
      }
    }
    return cases.stream();
  }

  /**
   * Allowed flags still start the script, and arguments that look like interpreter options or
   * programs ({@code -c 'touch ...'}, {@code -m}, the evil file, {@code --}, {@code -}) reach the
   * script as its arguments and nothing else runs.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("allowedFlags")
  void allowedFlagsRunOnlyTheScript(String interpreter, String flags) throws Exception {
    assumeInstalled(interpreter);
    String env = (interpreter + " " + flags).strip();
    Path evil = evil(interpreter);
    String command = hello(interpreter) + " " + evil + " -c 'touch " + marker + "' -m " + evil
        + " -- - -X " + evil;
    RunningProcess p = fx.launcher.start(job(env, command));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS), Files.readString(p.logPath()));
    // Shells' -x writes trace lines to the same log; only the script's lines start with '['.
    List<String> printed =
        Files.readAllLines(p.logPath()).stream().filter(l -> l.startsWith("[")).toList();
    assertEquals(List.of("[" + evil + "]", "[-c]", "[touch " + marker + "]", "[-m]",
        "[" + evil + "]", "[--]", "[-]", "[-X]", "[" + evil + "]"), printed);
    assertFalse(Files.exists(marker), "another program ran");
  }

  /** The flags are not just accepted but reach the interpreter. */
  @Test
  void pythonFlagsTakeEffect() throws Exception {
    assumeInstalled("/usr/bin/python3");
    script(fx.jobs.resolve("flags.py"), "import sys\nf = sys.flags\n"
        + "print(f.optimize, f.dont_write_bytecode, f.ignore_environment, f.no_user_site,"
        + " f.no_site, f.isolated, f.quiet)\n");
    RunningProcess p = fx.launcher.start(job("/usr/bin/python3 -OO -B -E -s -S -I -q", "flags.py"));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    assertEquals("2 1 1 1 1 1 1\n", Files.readString(p.logPath()));
  }

  @Test
  void shellFlagsTakeEffect() throws Exception {
    script(fx.jobs.resolve("strict.sh"), "echo before\necho \"$UNSET_IN_BATON_TEST\"\necho after\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh -ux", "strict.sh"));
    assertTrue(p.onExit().get(10, TimeUnit.SECONDS) != 0, "-u did not stop the script");
    String log = Files.readString(p.logPath());
    assertTrue(log.contains("+ echo before") && !log.contains("after"), log);
  }

  /** The script comes after "--" where the interpreter has one; elsewhere it is an absolute path. */
  @Test
  void theScriptFollowsTheEndOfOptions() throws Exception {
    Path hello = fx.jobs.resolve("hello.py");
    assertEquals(List.of("/usr/bin/python3", "-uB", "--", hello.toString(), "-c", "x"),
        LaunchPlan.of(job("/usr/bin/python3 -uB", "hello.py -c x"), fx.jobs, INTERPRETERS).argv());
    Path sh = fx.jobs.resolve("hello.sh");
    assertEquals(List.of("/bin/sh", "--", sh.toString(), "-s"),
        LaunchPlan.of(job("/bin/sh", "hello.sh -s"), fx.jobs, INTERPRETERS).argv());
    assertEquals(List.of(sh.toString(), "-x"),
        LaunchPlan.of(job(null, "hello.sh -x"), fx.jobs, INTERPRETERS).argv());
  }

  /** An allowed interpreter of a kind Baton does not know takes no flags and gets no "--". */
  @Test
  void otherInterpretersTakeNoFlags() throws Exception {
    List<String> interpreters = List.of("/usr/bin/perl");
    Exception e = assertThrows(LaunchRefusedException.class,
        () -> LaunchPlan.of(job("/usr/bin/perl -e", "hello.sh"), fx.jobs, interpreters));
    assertEquals("job 12 of chain 3: env '/usr/bin/perl -e' has flag '-e', which /usr/bin/perl"
        + " does not allow (allowed: none); nothing was run", e.getMessage());

    assumeInstalled("/usr/bin/perl");
    assertEquals(List.of("/usr/bin/perl", fx.jobs.resolve("hello.sh").toString(), "-e"),
        LaunchPlan.of(job("/usr/bin/perl", "hello.sh -e"), fx.jobs, interpreters).argv());
  }

  @Test
  void theKindComesFromTheFileName() {
    for (String python : List.of("python", "python3", "/usr/bin/python3.11", "/opt/py/bin/python3.12")) {
      assertEquals(InterpreterFlags.PYTHON, InterpreterFlags.of(python), python);
    }
    for (String shell : List.of("/bin/sh", "/bin/dash", "/usr/bin/bash")) {
      assertEquals(InterpreterFlags.SHELL, InterpreterFlags.of(shell), shell);
    }
    for (String other : List.of("/usr/bin/perl", "/usr/bin/python3-config", "/usr/bin/pythonx",
        "/bin/zsh", "/usr/bin/env", "/")) {
      assertEquals(InterpreterFlags.OTHER, InterpreterFlags.of(other), other);
    }
  }
}
