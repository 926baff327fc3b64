package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshots and event deletion keep a chain's journal small however many times it ran. */
class BoundedJournalIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb().started();

  @Test
  void aThousandRunsOfOneChainLeaveFewerThanThreeHundredJournalRows() throws Exception {
    long chain = node.chainOfOneJob("busy", "@every 20ms", "ok.sh");
    await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() ->
        ((Number) node.one("SELECT COUNT(*) FROM chain_run WHERE chain_id = ? AND end_time IS NOT NULL", chain))
            .intValue() >= 1000);
    int rows = ((Number) node.one("SELECT COUNT(*) FROM event_journal WHERE persistence_id = ?", "chain-" + chain))
        .intValue();
    assertTrue(rows < 300, rows + " journal rows after 1,000 runs");
    // the rows kept name events and snapshots by serializer and payload, never by Java class
    assertEquals(List.of(Map.of("event_ser_id", 4101, "event_ser_manifest", "")), node.rows(
        "SELECT DISTINCT event_ser_id, event_ser_manifest FROM event_journal WHERE persistence_id = ?", "chain-" + chain));
    assertEquals(List.of(Map.of("snapshot_ser_id", 4102, "snapshot_ser_manifest", "")), node.rows(
        "SELECT DISTINCT snapshot_ser_id, snapshot_ser_manifest FROM snapshot WHERE persistence_id = ?", "chain-" + chain));
    node.assertNoFireTwice(chain);
  }
}
