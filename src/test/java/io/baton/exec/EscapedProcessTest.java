package io.baton.exec;

import static io.baton.exec.ExecFixture.job;
import static io.baton.exec.ExecFixture.script;
import static io.baton.exec.OsProcesses.running;
import static io.baton.exec.OsProcesses.uniqueSleep;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes that leave their job's process group and session, {@code ( setsid sleep N & )}: a
 * double fork that leaves nothing of the job around them. Found as an operator would, by command
 * line; "gone" means not running (a killed process may stay a zombie of a parent that does not reap).
 */
class EscapedProcessTest {
  @AutoClose final ExecFixture fx;
  final List<String> sleeps = new ArrayList<>();

  EscapedProcessTest(@TempDir Path tmp) {
    fx = new ExecFixture(tmp);
  }

  @BeforeEach
  void setUp() throws Exception {
    // $1: the escaping sleep, whose pid goes to escaped-$1.pid; $2, if given: what the job then sleeps
    script(fx.jobs.resolve("escape.sh"), "( setsid sleep \"$1\" & echo $! > \"escaped-$1.pid\" )\n"
        + "if [ -n \"$2\" ]; then exec sleep \"$2\"; fi\nexit 0\n");
  }

  @AfterEach
  void tearDown() {
    sleeps.forEach(s -> OsProcesses.kill("sleep", s)); // never leave one behind, whatever failed
  }

  private String sleep() {
    String s = uniqueSleep();
    sleeps.add(s);
    return s;
  }

  private RunningProcess startEscaping(String escaping, String own) throws Exception {
    RunningProcess p = fx.launcher.start(job("/bin/sh", "escape.sh " + escaping + " " + own));
    await().atMost(Duration.ofSeconds(5)).until(() -> running("sleep", escaping).size() == 1);
    long escaped = running("sleep", escaping).get(0);
    long pgid = ProcessTrees.read(escaped).orElseThrow().pgid();
    assertTrue(pgid != p.pid(), "left the job's group");
    return p;
  }

  @Test
  void aDoubleForkedProcessEndsWithItsJob() throws Exception {
    String escaping = sleep();
    RunningProcess p = fx.launcher.start(job("/bin/sh", "escape.sh " + escaping));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    // the job ends once everything it started is gone
    assertFalse(live(pidIn("escaped-" + escaping + ".pid")));
    assertEquals(List.of(), running("sleep", escaping));
  }

  private long pidIn(String file) throws Exception {
    return Long.parseLong(Files.readString(fx.jobs.resolve(file)).trim());
  }

  private static boolean live(long pid) {
    return ProcessTrees.read(pid).map(ProcessTrees.Proc::live).orElse(false);
  }

  @Test
  void aDoubleForkedProcessIsStoppedWithItsJob() throws Exception {
    assertGoesWithItsJob(p -> p.stop(Duration.ofSeconds(1)), 143, 10); // as on a timeout
  }

  @Test
  void aDoubleForkedProcessIsKilledWhenTheLauncherCloses() throws Exception {
    assertGoesWithItsJob(p -> fx.launcher.close(), 137, 1);
  }

  /** What ends a job in a test. */
  private interface Ending {
    void end(RunningProcess job) throws Exception;
  }

  /**
   * A job that left a process is ended by {@code ending} with {@code exit} within {@code seconds},
   * and neither the process it left nor its own sleep runs on.
   */
  private void assertGoesWithItsJob(Ending ending, int exit, int seconds) throws Exception {
    String escaping = sleep();
    String own = sleep();
    RunningProcess p = startEscaping(escaping, own);
    ending.end(p);
    assertEquals(exit, p.onExit().get(seconds, TimeUnit.SECONDS));
    assertEquals(List.of(), running("sleep", escaping));
    assertEquals(List.of(), running("sleep", own));
  }

  @Test
  void aProcessThatClearedItsEnvironmentButKeptItsSessionEndsWithItsJob() throws Exception {
    String escaping = sleep();
    // a new process group, no mark in its environment, but still in the job's session; the job
    // ends once that process has left its group
    script(fx.jobs.resolve("clean.sh"), "( env -i /usr/bin/python3 -c 'import os, sys; os.setpgid(0, 0);"
        + " os.execv(\"/bin/sleep\", [\"sleep\", sys.argv[1]])' \"$1\" & echo $! > clean.pid )\n"
        + "pid=$(cat clean.pid)\nuntil [ \"$(cut -d' ' -f5 /proc/$pid/stat)\" = \"$pid\" ]; do :; done\nexit 0\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "clean.sh " + escaping));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    assertFalse(live(pidIn("clean.pid")));
    assertEquals(List.of(), running("sleep", escaping));
  }

  @Test
  void aProcessThatLeftItsJobAndEndedOnItsOwnIsReapedByTheNode() throws Exception {
    // it ends before anyone saw it: the node, its new parent, must still reap it (no zombie stays)
    script(fx.jobs.resolve("quick.sh"), "( setsid true & echo $! > quick.pid )\nsleep 0.2\nexit 0\n");
    RunningProcess p = fx.launcher.start(job("/bin/sh", "quick.sh"));
    assertEquals(0, p.onExit().get(10, TimeUnit.SECONDS));
    long quick = pidIn("quick.pid");
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessTrees.read(quick).isEmpty());
  }

  @Test
  void theNextStartOfANodeKillsWhatItsDeadJvmLeft() throws Exception {
    String orphan = sleep();
    String spared = sleep();
    Process dead = new ProcessBuilder("/bin/true").start();
    dead.waitFor();
    // as a job of node "gone-node" whose JVM was killed would look, and one of a namesake that runs
    Process left = marked("gone-node", dead.pid(), "d-1", orphan);
    Process alive = marked("gone-node", 1, "d-1", spared);
    await().atMost(Duration.ofSeconds(5)).until(() -> running("sleep", orphan).size() == 1
        && running("sleep", spared).size() == 1);

    Orphans.killLeftovers("gone-node");

    assertEquals(137, left.waitFor());
    assertEquals(List.of(), running("sleep", orphan));
    assertEquals(1, running("sleep", spared).size(), "pid 1 runs and is older: its process is left alone");
    alive.destroyForcibly();
  }

  @Test
  void aRunsProcessesAreFoundByTheirMarkOnlyAmongThoseOfTheSameDatabase() throws Exception {
    String ours = sleep();
    String theirs = sleep();
    // run 42, job 9 on this host twice: of a node of this database, and of another database's node
    Process mine = marked("node-a", 1, "d-1", ours);
    Process other = marked("node-x", 1, "d-2", theirs);
    await().atMost(Duration.ofSeconds(5)).until(() -> running("sleep", ours).size() == 1
        && running("sleep", theirs).size() == 1);

    List<Long> killed = ProcessTrees.killJobsOfRun("d-1", 42, List.of(9L));

    assertEquals(List.of(mine.pid()), killed);
    assertEquals(137, mine.waitFor());
    assertEquals(1, running("sleep", theirs).size(), "the other database's run 42 goes on");
    other.destroyForcibly();
  }

  private static Process marked(String node, long nodePid, String deployment, String sleep) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/setsid", "sleep", sleep)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
    pb.environment().putAll(Map.of("BATON_NODE", node, "BATON_NODE_PID", Long.toString(nodePid),
        "BATON_DEPLOYMENT", deployment, "BATON_RUN_ID", "42", "BATON_JOB_ID", "9", "BATON_ATTEMPT", "1"));
    return pb.start();
  }
}
