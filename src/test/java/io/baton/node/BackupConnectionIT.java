package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** db.bkp is a failover host: when the main one cannot be reached the node goes on through it. */
@RunsAlone
class BackupConnectionIT {
  @RegisterExtension final NodeFixture db = NodeFixture.onMariaDb();

  @Test
  void cuttingTheMainConnectionMovesTheNodeToTheBackupWithNoOutcomeLost() throws Exception {
    try (TcpProxy main = new TcpProxy(3306); TcpProxy bkp = new TcpProxy(3306)) {
      NodeProcess node = db.startProcess("node", Map.of(
          "baton.db.main.url", db.urlVia(main),
          "baton.db.bkp.url", db.urlVia(bkp)));
      long chain = db.chainOfOneJob("every second", "@every 1s", "ok.sh");
      db.awaitRuns(chain, runs -> runs.size() >= 3);

      main.cut();
      await().atMost(Duration.ofSeconds(30)).until(() -> node.log().contains("connections now reach 127.0.0.1:" + bkp.port()));
      int atSwitch = db.runs(chain).size();
      db.awaitRuns(chain, runs -> runs.size() >= atSwitch + 5);

      assertTrue(node.alive());
      db.assertNoFireTwice(chain);
      // outcomes held back while connections moved are written on the next attempts
      List<Map<String, Object>> runs = db.awaitRuns(chain, all -> all.subList(0, all.size() - 2).stream()
          .allMatch(r -> "SUCCESS".equals(r.get("status"))));
      for (Map<String, Object> run : runs.subList(0, runs.size() - 2)) {
        assertEquals("SUCCESS", run.get("status"), "every run finished and recorded: " + run);
        assertEquals(1, db.rows("SELECT * FROM job_run WHERE run_id = ? AND status = 'SUCCESS'", run.get("run_id")).size(),
            "its job recorded once: " + run);
      }
    }
  }
}
