package io.baton.chain;

import io.baton.definition.ChainDefinition;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.baton.definition.ChainDefinition.JobDefinition;
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

/**
 * The journal's format: events and state go through its serializer and back unchanged, and a
 * journal and a snapshot recorded on 2026-11-29 (src/test/resources/journal-fixtures, payloads and
 * manifests as the jdbc journal stores them) still replay, so moving or renaming an event or a
 * field cannot silently strand the journals of running installations.
 */
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

  /** One stored row: serializer id, manifest and payload, as event_journal and snapshot keep them. */
  private static Object stored(String line) throws Exception {
    var row = io.baton.api.Json.MAPPER.readTree(line);
    byte[] payload = io.baton.api.Json.MAPPER.writeValueAsBytes(row.get("payload"));
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
    return serialization.deserialize(payload, row.get("serializerId").asInt(), row.get("manifest").asText()).get();
  }

  private static List<String> fixture(String name) throws Exception {
    return java.nio.file.Files.readAllLines(java.nio.file.Path.of(JournalFormatTest.class
        .getResource("/journal-fixtures/" + name).toURI()));
  }

  @Test
  void aJournalAndASnapshotRecordedOnTheFirstDayOfCommandsStillReplay() throws Exception {
    ChainState replayed = ChainState.empty();
    for (String line : fixture("chain-7.journal.jsonl")) {
      replayed = replayed.apply((ChainEvent) stored(line));
    }
    ChainState snapshot = (ChainState) stored(fixture("chain-7.snapshot.jsonl").get(0));

    assertEquals(snapshot, replayed);
    assertEquals(null, replayed.active(), "the last run was withdrawn");
    assertEquals(Instant.parse("2026-11-29T10:00:00Z"), replayed.lastFire());
    assertEquals(101, replayed.lastRun().runId());
    assertEquals(RunStatus.CANCELLED, replayed.lastRun().status());
    assertEquals(100L, replayed.lastRun().rerunOf());
    assertEquals(101L, replayed.carriedOut(5).orElseThrow().runId());
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
