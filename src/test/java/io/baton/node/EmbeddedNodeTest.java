package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No database configured: an H2 file under data/, the schema, the demo chains, real runs. */
class EmbeddedNodeTest {
  @RegisterExtension final NodeFixture node = NodeFixture.embedded();

  @Test
  void aNodeWithoutDatabaseUrlCreatesItsDatabaseWithDemoChainsAndRunsChains() throws Exception {
    node.start();
    assertTrue(Files.exists(node.home().resolve("data/baton.mv.db")), "the embedded database is a file under data/");
    List<Map<String, Object>> demos = node.rows("SELECT job_desc, timestr FROM jobchain_table ORDER BY id");
    assertEquals(3, demos.size());
    assertTrue(demos.stream().allMatch(d -> d.get("job_desc").toString().startsWith("demo:")));

    long chain = node.chainOfOneJob("on h2", "@every 1s", "ok.sh");
    assertEquals("SUCCESS", node.firstFinishedRun(chain).get("status"));
    Map<String, Object> last = node.rows("SELECT * FROM jobchain_lst_run WHERE jobchain_id = ?", chain).get(0);
    assertTrue(List.of("SUCCESS", "RUNNING...").contains(last.get("status")));

    // a restart finds its database and does not offer the demo chains again
    node.update("DELETE FROM jobchain_table WHERE job_desc LIKE 'demo:%'");
    node.stop();
    node.start();
    assertEquals(1, node.rows("SELECT id FROM jobchain_table").size());
  }
}
