package io.baton.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;

/**
 * The actor system the chain tests share (one per test JVM: starting one, and its serializers,
 * costs more than most tests): in-memory journal, manual time, and every dispatcher on a {@link
 * QuietDispatcher}, so the test can tell when nothing is left to do. Each test stops its own chain
 * actor, so none outlives its test.
 */
final class ManualTimeSystem {
  private static final String NAME = "chain-tests";
  private static final Duration QUIET_WITHIN = Duration.ofSeconds(10);
  private static ManualTimeSystem shared;

  final ActorTestKit testKit;
  final ExplicitlyTriggeredScheduler scheduler;
  final SerializationTestKit serialization;

  private ManualTimeSystem() {
    Config config = ConfigFactory.parseString(QuietDispatcher.CONFIG)
        .withFallback(serialization(ConfigFactory.parseResources("baton-pekko.conf")))
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ManualTime.config());
    testKit = ActorTestKit.create(NAME, config);
    ManualTime.get(testKit.system()); // fails unless the system runs on manual time
    scheduler = (ExplicitlyTriggeredScheduler) Adapter.toClassic(testKit.system()).scheduler();
    serialization = new SerializationTestKit(testKit.system());
  }

  /** The node's serializers, bindings and Jackson settings: events and snapshots are checked as the journal writes them. */
  private static Config serialization(Config node) {
    return node.withOnlyPath("pekko.actor.serializers")
        .withFallback(node.withOnlyPath("pekko.actor.serialization-identifiers"))
        .withFallback(node.withOnlyPath("pekko.actor.serialization-bindings"))
        .withFallback(node.withOnlyPath("pekko.serialization"));
  }

  static synchronized ManualTimeSystem get() {
    if (shared == null) {
      shared = new ManualTimeSystem();
    }
    return shared;
  }

  /** Waits until the actor system has nothing left to do. */
  void settle() {
    QuietDispatcher.TASKS.awaitQuiet(QUIET_WITHIN);
  }

  /** The scheduler's time (ms) of its earliest timer, after waiting for quiet; Long.MAX_VALUE if none. */
  long nextTimer() {
    settle();
    // ManualTime.timePasses sleeps 100 ms for every step ("to give dispatchers time to clear"):
    // quiet is known here, so the scheduler is stepped timer by timer, which needs their times
    return scheduler.org$apache$pekko$testkit$ExplicitlyTriggeredScheduler$$scheduled().values().stream()
        .mapToLong(time -> (Long) time).min().orElse(Long.MAX_VALUE);
  }

  /** Fires every timer due by {@code time} (scheduler ms), in order, and leaves the scheduler there. */
  void runUntil(long time) {
    scheduler.executeTasks(time);
    if (scheduler.currentTimeMs() < time) { // the scheduler's time moves as its tasks run: one that does nothing
      scheduler.scheduleOnce(Duration.ofMillis(time - scheduler.currentTimeMs()), () -> {},
          Adapter.toClassic(testKit.system()).dispatcher());
      scheduler.executeTasks(time);
    }
  }
}
