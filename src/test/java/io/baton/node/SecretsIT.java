package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.db.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database password and the node's own configuration variables reach neither a log line nor a job. */
class SecretsIT {
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb();
  private final String user = "baton_s" + UUID.randomUUID().toString().substring(0, 8);
  private final String password = "Pw-" + UUID.randomUUID();

  @BeforeEach
  void setUp() throws Exception {
    TestDatabases.admin("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
    TestDatabases.admin("GRANT ALL ON `" + TestDatabases.databaseName(db.url()) + "`.* TO '" + user + "'@'%'");
    db.script("jobs", "show_env.sh", "env");
  }

  @AfterEach
  void dropUser() {
    TestDatabases.admin("DROP USER IF EXISTS '" + user + "'@'%'");
  }

  @Test
  void jobsGetNoneOfTheNodesConfigurationVariables() throws Exception {
    String token = "tok-" + UUID.randomUUID();
    NodeProcess node = db.startProcess("node", Map.of("baton.db.main.user", user), Map.of(
        "BATON_DB_PASSWORD", password,
        "BATON_BKP_DB_PASSWORD", password,
        "BATON_HTTP_TOKEN", token,
        "JAVA_OPTS", "-Dbaton.db.main.password=" + password));
    String jobEnv = firstJobLog();
    assertTrue(jobEnv.contains("BATON_RUN_ID="), "the job's own variables are there:\n" + jobEnv);
    for (String hidden : List.of("BATON_DB_PASSWORD", "BATON_BKP_DB_PASSWORD", "BATON_HTTP_TOKEN", "JAVA_OPTS",
        password, token)) {
      assertFalse(jobEnv.contains(hidden), hidden + " reached the job:\n" + jobEnv);
    }
    assertFalse(node.log().contains(password), "the password is in the node's log:\n" + node.log());
  }

  @Test
  void aPasswordInTheUrlIsNeverLogged() throws Exception {
    String url = db.url() + "?password=" + password;
    NodeProcess node = db.startProcess("node", Map.of("baton.db.main.url", url, "baton.db.main.user", user));
    firstJobLog();
    assertFalse(node.log().contains(password), "the password is in the node's log:\n" + node.log());
  }

  @Test
  void aRefusedLoginNamesTheUserButNotThePassword() throws Exception {
    String wrong = "Wrong-" + UUID.randomUUID();
    NodeProcess node = db.launchProcess("node", Map.of("baton.db.main.user", user,
        "baton.db.main.url", db.url() + "?password=" + wrong), Map.of("BATON_DB_PASSWORD", password + "x"));
    int exit = node.exitCode();
    String output = node.log();
    assertEquals(2, exit, output);
    assertTrue(output.contains("access denied for user '" + user + "'"), output);
    assertFalse(output.contains(wrong), output);
    assertFalse(output.contains(password + "x"), output);
  }

  /** The log of the first job that ran: what the job printed of its environment. */
  private String firstJobLog() throws Exception {
    long chain = db.chainOfOneJob("show env", "@every 1s", "show_env.sh");
    return Files.readString(Path.of((String) db.awaitRow("SELECT log_path FROM job_run WHERE chain_id = ?"
        + " AND status = 'SUCCESS'", chain).get("log_path")));
  }
}
