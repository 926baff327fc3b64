package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.db.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database password and the node's own configuration variables reach neither a log line nor a job. */
class SecretsIT {
  @TempDir Path home;
  private final String user = "baton_s" + UUID.randomUUID().toString().substring(0, 8);
  private final String password = "Pw-" + UUID.randomUUID();
  private TestNode db;

  @BeforeEach
  void setUp() throws Exception {
    db = TestNode.onMariaDb(home);
    TestDatabases.admin("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
    TestDatabases.admin("GRANT ALL ON `" + TestDatabases.databaseName(db.url) + "`.* TO '" + user + "'@'%'");
    db.script("jobs", "show_env.sh", "env");
  }

  @AfterEach
  void tearDown() throws Exception {
    TestDatabases.admin("DROP USER IF EXISTS '" + user + "'@'%'");
    db.close();
  }

  @Test
  void jobsGetNoneOfTheNodesConfigurationVariables() throws Exception {
    String token = "tok-" + UUID.randomUUID();
    NodeProcess node = NodeProcess.start(db, Map.of("baton.db.main.user", user), Map.of(
        "BATON_DB_PASSWORD", password,
        "BATON_BKP_DB_PASSWORD", password,
        "BATON_HTTP_TOKEN", token,
        "JAVA_OPTS", "-Dbaton.db.main.password=" + password), "node");
    try {
      String jobEnv = firstJobLog();
      assertTrue(jobEnv.contains("BATON_RUN_ID="), "the job's own variables are there:\n" + jobEnv);
      for (String hidden : List.of("BATON_DB_PASSWORD", "BATON_BKP_DB_PASSWORD", "BATON_HTTP_TOKEN", "JAVA_OPTS",
          password, token)) {
        assertFalse(jobEnv.contains(hidden), hidden + " reached the job:\n" + jobEnv);
      }
      assertFalse(node.log().contains(password), "the password is in the node's log:\n" + node.log());
    } finally {
      node.kill();
    }
  }

  @Test
  void aPasswordInTheUrlIsNeverLogged() throws Exception {
    String url = db.url + "?password=" + password;
    NodeProcess node = NodeProcess.start(db, Map.of("baton.db.main.url", url, "baton.db.main.user", user), "node");
    try {
      firstJobLog();
      assertFalse(node.log().contains(password), "the password is in the node's log:\n" + node.log());
    } finally {
      node.kill();
    }
  }

  @Test
  void aRefusedLoginNamesTheUserButNotThePassword() throws Exception {
    String wrong = "Wrong-" + UUID.randomUUID();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dbaton.home=" + home, "-Dbaton.db.main.user=" + user,
        "-Dbaton.db.main.url=" + db.url + "?password=" + wrong,
        "-jar", Path.of("target", "baton.jar").toAbsolutePath().toString(), "start")
        .directory(home.toFile()).redirectErrorStream(true);
    pb.environment().put("BATON_DB_PASSWORD", password + "x");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(2, p.waitFor(), output);
    assertTrue(output.contains("access denied for user '" + user + "'"), output);
    assertFalse(output.contains(wrong), output);
    assertFalse(output.contains(password + "x"), output);
  }

  /** The log of the first job that ran: what the job printed of its environment. */
  private String firstJobLog() throws Exception {
    long chain = db.chain("show env", 1, "@every 1s", 0);
    db.job(chain, "show_env.sh", 1, "30");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !db.rows("SELECT log_path FROM job_run WHERE chain_id = ? AND status = 'SUCCESS'", chain).isEmpty());
    return Files.readString(Path.of((String) db.rows("SELECT log_path FROM job_run WHERE chain_id = ?"
        + " AND status = 'SUCCESS'", chain).get(0).get("log_path")));
  }
}
