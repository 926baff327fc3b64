package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.db.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same node through a jdbc:mariadb:// URL: migrations, journal and records all work. */
class MariaDbDriverNodeIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb();

  @Test
  void aNodeOnAMariadbUrlRunsChains() throws Exception {
    node.with("baton.db.main.url", TestDatabases.mariadbDriverUrl(node.url())).start();
    long chain = node.chainOfOneJob("through the MariaDB driver", "@every 1s", "ok.sh");
    assertEquals("SUCCESS", node.firstFinishedRun(chain).get("status"));
  }
}
