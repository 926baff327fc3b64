package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots and event deletion keep a chain's journal small however many times it ran. */
class BoundedJournalIT {
  @TempDir Path home;

  @Test
  void aThousandRunsOfOneChainLeaveFewerThanThreeHundredJournalRows() throws Exception {
    try (TestNode node = TestNode.onMariaDb(home).start()) {
      long chain = node.chain("busy", 1, "@every 20ms", 0);
      node.job(chain, "ok.sh", 1, "30");
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() ->
          ((Number) node.rows("SELECT COUNT(*) n FROM chain_run WHERE chain_id = ? AND end_time IS NOT NULL", chain)
              .get(0).get("n")).intValue() >= 1000);
      int rows = ((Number) node.rows("SELECT COUNT(*) n FROM event_journal WHERE persistence_id = ?", "chain-" + chain)
          .get(0).get("n")).intValue();
      assertTrue(rows < 300, rows + " journal rows after 1,000 runs");
      // the rows kept name events and snapshots by serializer and payload, never by Java class
      assertEquals(List.of(Map.of("event_ser_id", 4101, "event_ser_manifest", "")), node.rows(
          "SELECT DISTINCT event_ser_id, event_ser_manifest FROM event_journal WHERE persistence_id = ?", "chain-" + chain));
      assertEquals(List.of(Map.of("snapshot_ser_id", 4102, "snapshot_ser_manifest", "")), node.rows(
          "SELECT DISTINCT snapshot_ser_id, snapshot_ser_manifest FROM snapshot WHERE persistence_id = ?", "chain-" + chain));
      MisfireIT.assertNoFireTwice(node, chain);
    }
  }
}
