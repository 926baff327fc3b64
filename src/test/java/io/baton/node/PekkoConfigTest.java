package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** baton-pekko.conf sets the keys Pekko reads, merged as PekkoConfig merges it. */
class PekkoConfigTest {
  private static final Config NODE = ConfigFactory.parseResources(PekkoConfig.class, "/baton-pekko.conf")
      .withFallback(ConfigFactory.load()).resolve();

  @Test
  void bothReplicatorsOfANodeSendNoDeltasAndTellSubscribersEveryTwoSeconds() {
    for (String replicator : new String[] {"pekko.cluster.sharding.distributed-data",
        "pekko.cluster.typed.receptionist.distributed-data"}) {
      assertFalse(NODE.getBoolean(replicator + ".delta-crdt.enabled"), replicator);
      assertEquals(Duration.ofSeconds(2), NODE.getDuration(replicator + ".notify-subscribers-interval"), replicator);
    }
  }
}
