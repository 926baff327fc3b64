package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node in its own JVM is killed with SIGKILL while a run waits on a dependency, runs a step
 * level, or hands over between levels; the next node resumes the run from its events.
 */
@RunsAlone
class CrashRecoveryIT {
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb();
  NodeProcess node;

  @BeforeEach
  void setUp() throws Exception {
    // level 2: the first attempt leaves a grandchild and hangs; a re-run succeeds at once
    db.script("jobs", "level2.sh", "echo $$ > ../level2-$BATON_ATTEMPT.pid\n"
        + "if [ \"$BATON_ATTEMPT\" = 1 ]; then sleep 1000 & echo $! > ../grandchild.pid; wait; fi\nexit 0");
    db.script("dependent", "go.sh", "test -e ../go");
    node = db.startProcess("first");
  }

  @Test
  void aRunKilledInTheMiddleOfALevelReRunsThatLevelAndNoProcessSurvivesTheNode() throws Exception {
    long chain = db.chainFiringOnce("one shot", 2, 0);
    db.job(chain, "ok.sh", 1, "30");
    long level2 = db.job(chain, "level2.sh", 2, "1h");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(db.home().resolve("grandchild.pid"))
        && db.rows("SELECT * FROM job_run WHERE ref_id = ?", level2).size() == 1);
    long job = pid("level2-1.pid");
    long grandchild = pid("grandchild.pid");

    node.kill();

    await().atMost(Duration.ofSeconds(5)).until(() -> !alive(job) && !alive(grandchild));
    node = db.startProcess("second");
    Map<String, Object> run = finished(chain);
    assertEquals("SUCCESS", run.get("status"));
    List<Map<String, Object>> attempts = db.rows(
        "SELECT attempt, status FROM job_run WHERE ref_id = ? AND kind = 'JOB' ORDER BY attempt", level2);
    assertEquals(List.of(Map.of("attempt", 1, "status", "INTERRUPTED"), Map.of("attempt", 2, "status", "SUCCESS")),
        attempts);
    assertRecoveryMessage(run, "re-running step level 2");
    assertEquals("SUCCESS", db.rows("SELECT status FROM jobchain_lst_run WHERE jobchain_id = ?", chain).get(0).get("status"));
  }

  @Test
  void withRecoveryFailTheInterruptedRunEndsInterrupted() throws Exception {
    long chain = db.chainFiringOnce("one shot", 1, 0);
    long level1 = db.job(chain, "level2.sh", 1, "1h");
    await().atMost(Duration.ofSeconds(30)).until(() -> db.rows("SELECT * FROM job_run WHERE ref_id = ?", level1).size() == 1);

    node.kill();
    node = db.startProcess("second", Map.of("baton.recovery", "fail"));

    Map<String, Object> run = finished(chain);
    assertEquals("INTERRUPTED", run.get("status"));
    assertRecoveryMessage(run, "ends INTERRUPTED");
    assertEquals("INTERRUPTED", db.rows("SELECT status FROM job_run WHERE ref_id = ?", level1).get(0).get("status"));
  }

  @Test
  void aRunKilledWhileWaitingOnItsDependencyGoesOnWaitingAfterTheRestart() throws Exception {
    long chain = db.chainFiringOnce("one shot", 1, 10);
    db.dependency(chain, "go.sh", 10);
    db.job(chain, "ok.sh", 1, "30");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        db.rows("SELECT * FROM job_run WHERE chain_id = ? AND kind = 'DEP' AND end_time IS NOT NULL", chain).size() >= 1);

    node.kill();
    node = db.startProcess("second");
    await().atMost(Duration.ofSeconds(20)).until(() -> !db.messages("RECOVERY").isEmpty());
    Files.writeString(db.home().resolve("go"), "");

    Map<String, Object> run = finished(chain);
    assertEquals("SUCCESS", run.get("status"));
    assertRecoveryMessage(run, "dependency checks");
  }

  @Test
  void aNodeKilledAsALevelHandsOverResumesAtTheNextLevel() throws Exception {
    db.script("jobs", "kill_node.sh", "if [ ! -e ../killed ]; then : > ../killed; kill -9 $(cat ../node.pid); fi\nexit 0");
    Files.writeString(db.home().resolve("node.pid"), String.valueOf(node.pid()));
    long chain = db.chainFiringOnce("one shot", 2, 0);
    db.job(chain, "ok.sh", 1, "30");
    long level2 = db.job(chain, "kill_node.sh", 2, "30");
    await().atMost(Duration.ofSeconds(30)).until(() -> !node.alive());

    node = db.startProcess("second");
    Map<String, Object> run = finished(chain);
    assertEquals("SUCCESS", run.get("status"));
    assertRecoveryMessage(run, "step level 2");
    List<Map<String, Object>> level2Rows = db.rows(
        "SELECT attempt, status FROM job_run WHERE ref_id = ? AND kind = 'JOB' ORDER BY attempt", level2);
    assertEquals("SUCCESS", level2Rows.get(level2Rows.size() - 1).get("status"), level2Rows.toString());
  }

  @Test
  void aChainFiringEverySecondThroughTwoKillsRunsNoFireTwice() throws Exception {
    long chain = db.chainOfOneJob("every second", "@every 1s", "ok.sh");
    for (String next : List.of("second", "third")) {
      int before = db.runs(chain).size();
      db.awaitRuns(chain, runs -> runs.size() >= before + 3);
      node.kill();
      node = db.startProcess(next);
    }
    int beforeLast = db.runs(chain).size();
    List<Map<String, Object>> runs = db.awaitRuns(chain, r -> r.size() >= beforeLast + 3);
    // each restart catches up at most once (none when the fire fell during a run it resumed)
    assertTrue(runs.stream().filter(r -> "MISFIRE".equals(r.get("trigger_type"))).count() <= 2, runs.toString());
    db.assertNoFireTwice(chain);
    await().atMost(Duration.ofSeconds(10)).until(() -> db.rows(
        "SELECT * FROM chain_run WHERE chain_id = ? AND end_time IS NULL", chain).size() <= 1);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** The chain's only run, once it ended; a second run or a run left RUNNING fails the test. */
  private Map<String, Object> finished(long chain) {
    List<Map<String, Object>> runs = db.awaitRuns(chain, r -> r.size() == 1 && NodeFixture.finished(r.get(0)));
    assertEquals(1, runs.size(), "one fire, one chain_run row");
    return runs.get(0);
  }

  private void assertRecoveryMessage(Map<String, Object> run, String decision) throws Exception {
    List<Map<String, Object>> messages = db.rows(
        "SELECT msg FROM schedulerMessage WHERE run_id = ? AND msg LIKE '%RECOVERY%'", run.get("run_id"));
    assertEquals(1, messages.size(), messages.toString());
    String msg = messages.get(0).get("msg").toString();
    assertTrue(msg.contains(run.get("run_id").toString()) && msg.contains(decision), msg);
  }

  private long pid(String file) throws Exception {
    return Long.parseLong(Files.readString(db.home().resolve(file)).trim());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && !isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").startsWith("Z");
    } catch (Exception gone) {
      return true;
    }
  }
}
