package io.baton.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.baton.chain.ChainDefinition.JobDefinition;
import io.baton.chain.ChainEvent.JobLaunch;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The events and the state an operator's commands add go through the journal's serializer and back unchanged. */
class JournalFormatTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.actor.serialization-bindings { \"io.baton.JsonSerializable\" = jackson-json }")
      .withFallback(ConfigFactory.load()));
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static Object roundTrip(Object value) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
    var serializer = serialization.findSerializerFor(value);
    byte[] bytes = serialization.serialize(value).get();
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value)).get();
  }

  @Test
  void operatorEventsAndTheStateTheyLeaveSurviveTheJournal() {
    ChainDefinition chain = new ChainDefinition(5, "c", 1, "@yearly", 0, true, true, false,
        List.of(new JobDefinition(1, null, "a.sh", 1, "60", null)), List.of());
    ChainEvent.RunStarted rerun = new ChainEvent.RunStarted(9, Trigger.RERUN, T0, T0, chain, 1L, "n",
        new ChainEvent.Rerun(7, List.of(1L), List.of(new JobLaunch(1, 2))));
    ChainEvent.CommandCarriedOut carried = new ChainEvent.CommandCarriedOut(3, "run 9 started (RERUN of run 7)", 9L);
    ChainEvent.RunCancelled cancelled = new ChainEvent.RunCancelled(9, "cli@host", T0);
    for (Object event : new Object[] {rerun, carried, cancelled}) {
      assertEquals(event, roundTrip(event));
    }
    ChainState state = ChainState.empty().apply(rerun).apply(carried).apply(cancelled);
    assertEquals(state, roundTrip(state));
  }
}
