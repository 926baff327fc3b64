package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** baton-pekko.conf sets the keys Pekko reads, merged as PekkoConfig merges it. */
class PekkoConfigTest {
  private static final Config NODE = ConfigFactory.parseResources(PekkoConfig.class, "/baton-pekko.conf")
      .withFallback(ConfigFactory.load()).resolve();

  @Test
  void theJournalQueuesMoreWritesThanAHundredThousandChainsFiringAtOnce() {
    assertTrue(NODE.getInt("jdbc-journal.bufferSize") >= 100_000);
  }

  /** What pekko-persistence-jdbc says when it refuses a write: tried again, as a database outage is. */
  @Test
  void aWriteRefusedForAFullQueueIsTriedAgain() {
    Exception refused = new Exception("Failed to enqueue journal row batch write, the queue buffer was full"
        + " (1000 elements) please check the jdbc-journal.bufferSize setting");
    assertTrue(RetryingJournal.queueFull(new java.util.concurrent.CompletionException(refused)));
    assertFalse(RetryingJournal.queueFull(new IllegalStateException("write refused: this node no longer holds")));
  }

  @Test
  void bothReplicatorsOfANodeSendNoDeltasAndTellSubscribersEveryTwoSeconds() {
    for (String replicator : new String[] {"pekko.cluster.sharding.distributed-data",
        "pekko.cluster.typed.receptionist.distributed-data"}) {
      assertFalse(NODE.getBoolean(replicator + ".delta-crdt.enabled"), replicator);
      assertEquals(Duration.ofSeconds(2), NODE.getDuration(replicator + ".notify-subscribers-interval"), replicator);
    }
  }
}
