package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.RunsAlone;
import io.baton.config.BatonSettings;
import io.baton.db.Database;
import io.baton.db.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains that fire in the same second write their snapshots in the same second too (every 20th
 * event), and a shard starting on a node reads all its chains back at once: however many there
 * are, every snapshot is written and read back. The node's journal and snapshot store, as its
 * configuration sets them up, on MariaDB.
 */
@RunsAlone
class SnapshotBurstIT {
  /** More than the queues' defaults (1,000) let through at once. */
  private static final int CHAINS = 2_500;

  @TempDir Path home;
  private Database db;
  private Config config;

  @BeforeEach
  void openDatabase() {
    db = Database.open(TestDatabases.createMariaDb(), TestDatabases.USER, TestDatabases.PASSWORD, null);
    BatonSettings settings = BatonSettings.from(ConfigFactory.parseMap(Map.of("baton.home", home.toString()))
        .withFallback(io.baton.config.ConfigLoader.load(null, Map.of())));
    // the node's journal and snapshot store; no cluster (the entities here are not sharded)
    config = ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local")).withFallback(PekkoConfig.of(db, settings));
  }

  @AfterEach
  void dropDatabase() {
    db.close();
    TestDatabases.drop(db.url());
  }

  @Test
  void aSnapshotOfEachOfTwoThousandFiveHundredEntitiesAtOnceIsWrittenAndReadBack() {
    ActorTestKit kit = ActorTestKit.create("burst", config);
    try {
      TestProbe<String> outcomes = kit.createTestProbe();
      List<ActorRef<String>> entities = new ArrayList<>();
      for (int i = 0; i < CHAINS; i++) {
        entities.add(kit.spawn(new Tally("burst-" + i, outcomes.ref())));
      }
      entities.forEach(entity -> entity.tell("fired"));
      assertEquals(Map.of("recovered with 0 fires", CHAINS, "snapshot written", CHAINS), count(outcomes, 2 * CHAINS));
    } finally {
      kit.shutdownTestKit();
    }

    ActorTestKit again = ActorTestKit.create("burst", config);
    try {
      TestProbe<String> outcomes = again.createTestProbe();
      for (int i = 0; i < CHAINS; i++) {
        again.spawn(new Tally("burst-" + i, outcomes.ref()));
      }
      assertEquals(Map.of("recovered with 1 fire", CHAINS), count(outcomes, CHAINS));
    } finally {
      again.shutdownTestKit();
    }
  }

  /** The outcomes the entities told, counted by kind: {@code expected} of them, or those told until none came for 20 s. */
  private static Map<String, Integer> count(TestProbe<String> outcomes, int expected) {
    Map<String, Integer> counted = new TreeMap<>();
    try {
      for (int i = 0; i < expected; i++) {
        counted.merge(outcomes.receiveMessage(Duration.ofSeconds(20)), 1, Integer::sum);
      }
    } catch (AssertionError silence) {
      counted.put("(no outcome told)", expected - counted.values().stream().mapToInt(Integer::intValue).sum());
    }
    return counted;
  }

  /** Counts its fires; writes a snapshot at each event, and tells how its snapshot and its recovery went. */
  private static final class Tally extends EventSourcedBehavior<String, String, Integer> {
    private final ActorRef<String> outcomes;

    Tally(String id, ActorRef<String> outcomes) {
      super(PersistenceId.ofUniqueId(id));
      this.outcomes = outcomes;
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<String, String, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onAnyCommand(fired -> Effect().persist(fired));
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return (fires, fired) -> fires + 1;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(1, 1);
    }

    @Override
    public SignalHandler<Integer> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(SnapshotCompleted.class, (state, done) -> outcomes.tell("snapshot written"))
          .onSignal(SnapshotFailed.class, (state, failed) -> outcomes.tell("snapshot failed: " + failed.getFailure()))
          .onSignal(RecoveryCompleted.instance(),
              fires -> outcomes.tell("recovered with " + fires + " fire" + (fires == 1 ? "" : "s")))
          .onSignal(RecoveryFailed.class,
              (state, failed) -> outcomes.tell("recovery failed: " + failed.getFailure()))
          .build();
    }
  }
}
