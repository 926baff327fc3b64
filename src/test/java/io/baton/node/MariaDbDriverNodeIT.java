package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.db.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same node through a jdbc:mariadb:// URL: migrations, journal and records all work. */
class MariaDbDriverNodeIT {
  @TempDir Path home;

  @Test
  void aNodeOnAMariadbUrlRunsChains() throws Exception {
    try (TestNode node = TestNode.onMariaDb(home)) {
      node.with("baton.db.main.url", TestDatabases.mariadbDriverUrl(node.url)).start();
      long chain = node.chain("through the MariaDB driver", 1, "@every 1s", 0);
      node.job(chain, "ok.sh", 1, "30");
      assertEquals("SUCCESS", node.firstFinishedRun(chain).get("status"));
    }
  }
}
