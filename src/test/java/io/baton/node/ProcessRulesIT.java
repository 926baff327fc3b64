package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SPEC 4 through a real node: what a database row can make Baton run, and how. */
class ProcessRulesIT {
  @RegisterExtension static final NodeFixture node = NodeFixture.onMariaDb().started();

  @BeforeAll
  static void writeScripts() throws Exception {
    node.script("jobs", "show_env.sh",
        "{ env | grep '^BATON_' | sort; echo \"PWD=$(pwd)\"; echo \"ARGS=$#\"; for a in \"$@\"; do echo \"ARG=$a\"; done; }"
            + " > \"../env-$BATON_RUN_ID.txt\"\necho 'hello from the job'");
    node.script("", "outside.sh", ": > \"$(dirname \"$0\")/outside-ran\"");
  }

  @Test
  void aJobGetsItsEnvironmentArgumentsFolderAndLogFile() throws Exception {
    long chain = node.chain("env", 1, "@every 1s", 0);
    long job = node.job(chain, "show_env.sh 'two words' plain \"double quoted\"", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("SUCCESS", run.get("status"));
    List<String> env = Files.readAllLines(node.home().resolve("env-" + run.get("run_id") + ".txt"));
    String scheduled = ((LocalDateTime) run.get("scheduled_time")).toInstant(ZoneOffset.UTC).toString();
    assertTrue(env.contains("BATON_CHAIN_ID=" + chain), env.toString());
    assertTrue(env.contains("BATON_RUN_ID=" + run.get("run_id")));
    assertTrue(env.contains("BATON_JOB_ID=" + job));
    assertTrue(env.contains("BATON_STEP=1"));
    assertTrue(env.contains("BATON_ATTEMPT=1"));
    assertTrue(env.contains("BATON_SCHEDULED_TIME=" + scheduled), env + " vs " + scheduled);
    assertTrue(env.contains("PWD=" + node.home().resolve("jobs").toRealPath()));
    assertTrue(env.containsAll(List.of("ARGS=3", "ARG=two words", "ARG=plain", "ARG=double quoted")), env.toString());
    Map<String, Object> row = node.rows("SELECT * FROM job_run WHERE run_id = ?", run.get("run_id")).get(0);
    Path log = Path.of(row.get("log_path").toString());
    assertTrue(log.isAbsolute() && log.startsWith(node.home().resolve("logs")), log.toString());
    assertTrue(Files.readString(log).contains("hello from the job"));
    assertEquals("it-node", row.get("node"));
  }

  @Test
  void aScriptOutsideTheJobsFolderIsRefusedAndNothingRuns() throws Exception {
    long chain = node.chain("escape", 1, "@every 1s", 0);
    long job = node.job(chain, "../outside.sh", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("FAILED", run.get("status"));
    assertFalse(Files.exists(node.home().resolve("outside-ran")), "the escaping script was not executed");
    List<Map<String, Object>> messages = node.rows("SELECT msg FROM schedulerMessage WHERE run_id = ?", run.get("run_id"));
    assertEquals(1, messages.size());
    String msg = messages.get(0).get("msg").toString();
    assertTrue(msg.contains("job " + job) && msg.contains("outside") && msg.contains("REFUSED"), msg);
  }

  @Test
  void anInterpreterNotInTheAllowlistIsRefused() throws Exception {
    long chain = node.chain("perl", 1, "@every 1s", 0);
    long job = node.insert("INSERT INTO jobtable (job_chain_id, env, command, step_lvl, ottime) VALUES (?, ?, ?, 1, '30')",
        chain, "/usr/bin/perl", "ok.sh");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("FAILED", run.get("status"));
    String msg = node.rows("SELECT msg FROM schedulerMessage WHERE run_id = ?", run.get("run_id")).get(0).get("msg").toString();
    assertTrue(msg.contains("job " + job) && msg.contains("/usr/bin/perl"), msg);
  }

  @Test
  void anAllowedInterpreterRunsAScriptThatIsNotExecutable() throws Exception {
    Files.writeString(node.home().resolve("jobs/plain.sh"), "echo plain\n"); // no x bit
    long chain = node.chain("interpreted", 1, "@every 1s", 0);
    node.insert("INSERT INTO jobtable (job_chain_id, env, command, step_lvl, ottime) VALUES (?, '/bin/sh', 'plain.sh', 1, '30')",
        chain);
    assertEquals("SUCCESS", node.firstFinishedRun(chain).get("status"));
  }

  @Test
  void aDependencyOutsideTheDependentFolderIsRefused() throws Exception {
    long chain = node.chain("dep escape", 1, "@every 1s", 1);
    node.dependency(chain, "../outside.sh", 10);
    node.job(chain, "ok.sh", 1, "30");
    Map<String, Object> run = node.firstFinishedRun(chain);
    assertEquals("FAILED", run.get("status"));
    assertFalse(Files.exists(node.home().resolve("outside-ran")));
  }
}
