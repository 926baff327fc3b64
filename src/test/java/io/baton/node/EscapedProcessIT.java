package io.baton.node;

import static io.baton.exec.OsProcesses.running;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import io.baton.exec.OsProcesses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC 7, no process outlives its job, through real nodes: a job leaves a process outside its
 * process group and session, {@code ( setsid sleep N & )}, then sleeps itself. Processes are looked
 * for as an operator would, by command line.
 */
@RunsAlone
class EscapedProcessIT {
  private static final Duration START = Duration.ofSeconds(30);

  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb().with("baton.node-name", "escape-it");
  final String escaping = OsProcesses.uniqueSleep();
  final String own = OsProcesses.uniqueSleep();

  @BeforeEach
  void setUp() throws Exception {
    db.script("jobs", "escape.sh", "( setsid sleep \"$1\" & )\nexec sleep \"$2\"");
  }

  @AfterEach
  void killLeftovers() {
    OsProcesses.kill("sleep", escaping);
    OsProcesses.kill("sleep", own);
  }

  @Test
  void aProcessThatLeftItsJobSurvivesItsNodesSigkillAndItsNextStartKillsIt() throws Exception {
    Map<String, Object> noReRun = Map.of("baton.recovery", "fail"); // a re-run would start the same sleeps
    NodeProcess node = db.startProcess("first", noReRun);
    db.job(db.chainFiringOnce("escape", 1, 0), "escape.sh " + escaping + " " + own, 1, "1h");
    await().atMost(START).until(() -> running("sleep", escaping).size() == 1 && running("sleep", own).size() == 1);
    long escaped = running("sleep", escaping).get(0);

    node.kill();

    // the companion kills the job's group; what left it survives the node, as it did before
    await().atMost(Duration.ofSeconds(5)).until(() -> running("sleep", own).isEmpty());
    assertEquals(List.of(escaped), running("sleep", escaping));

    node = db.startProcess("second", noReRun);
    await().atMost(Duration.ofSeconds(10)).until(() -> running("sleep", escaping).isEmpty());
    List<String> kills = node.log().lines().filter(l -> l.contains("killed process")).toList();
    assertEquals(1, kills.size(), kills.toString());
    assertTrue(kills.get(0).contains("killed process " + escaped + " (sleep " + escaping + ")")
        && kills.get(0).contains("escape-it"), kills.get(0));
  }

  @Test
  void aNodeThatStopsKillsTheProcessesThatLeftItsJobs() throws Exception {
    db.start();
    db.job(db.chainFiringOnce("escape", 1, 0), "escape.sh " + escaping + " " + own, 1, "1h");
    await().atMost(START).until(() -> running("sleep", escaping).size() == 1 && running("sleep", own).size() == 1);

    db.stop();

    assertEquals(List.of(), running("sleep", own));
    assertEquals(List.of(), running("sleep", escaping));
  }
}
