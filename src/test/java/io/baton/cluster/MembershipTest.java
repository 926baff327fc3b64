package io.baton.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node whose database shows no other live node, or rows it cannot use, forms a cluster of one. */
class MembershipTest {
  private final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private final ActorTestKit testKit = ActorTestKit.create("baton", ConfigFactory.parseString(
      "pekko.actor.provider = cluster\n"
          + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
          + "pekko.remote.artery.canonical.port = 0\n"
          + "pekko.cluster.jmx.enabled = off\n"));

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  @Test
  void aNodeAloneFormsAClusterOfOneWhateverElseTheRowsShow() {
    Cluster cluster = Cluster.get(testKit.system());
    String self = cluster.selfMember().address().toString();
    testKit.spawn(Membership.create(() -> List.of("not an address", self), Duration.ofMillis(200), blocking));

    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.selfMember().status() == MemberStatus.up());
    assertEquals(1, cluster.state().members().size());
  }

  @Test
  void aFirstSeedThatNeverAnswersLeavesTheNodeWaitingOnlyUntilItFormsTheClusterItself() {
    Cluster cluster = Cluster.get(testKit.system());
    String self = cluster.selfMember().address().toString();
    // a row that looks alive but answers nothing (a dead process, a hostile row), ordered before this node
    String deaf = "pekko://baton@127.0.0.1:1";
    testKit.spawn(Membership.create(() -> List.of(deaf, self), Duration.ofMillis(500), blocking));

    await().atMost(Membership.PATIENCE.plusSeconds(20)).until(() -> cluster.selfMember().status() == MemberStatus.up());
    assertEquals(1, cluster.state().members().size());
  }

  @Test
  void aNodeWhoseDatabaseCannotBeReadYetJoinsOnceItCan() {
    Cluster cluster = Cluster.get(testKit.system());
    String self = cluster.selfMember().address().toString();
    long failUntil = System.nanoTime() + Duration.ofMillis(600).toNanos();
    testKit.spawn(Membership.create(() -> {
      if (System.nanoTime() < failUntil) {
        throw new IllegalStateException("database unreachable (test)");
      }
      return List.of(self);
    }, Duration.ofMillis(200), blocking));

    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.selfMember().status() == MemberStatus.up());
  }
}
