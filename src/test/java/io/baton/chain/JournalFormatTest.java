package io.baton.chain;

import static io.baton.api.Json.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.chain.ChainEvent.JobLaunch;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The journal's format: events and state go through its serializer and back unchanged, and a
 * journal and a snapshot recorded on 2026-11-29 (src/test/resources/journal-fixtures, payloads and
 * manifests as the jdbc journal stores them) still replay, so moving or renaming an event or a
 * field cannot silently strand the journals of running installations. Rows written since name an
 * event by its name in the payload and a snapshot by its serializer, never by a Java class.
 */
class JournalFormatTest {
  /** The node's serialization settings, as its journal uses them. */
  private static final Config NODE = ConfigFactory.parseResources("baton-pekko.conf").withFallback(ConfigFactory.load());
  private static final ActorTestKit KIT = ActorTestKit.create(NODE);
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  /** Serializer ids kept in every row written since events had names: they never change. */
  private static final int EVENTS = 4101;
  private static final int SNAPSHOTS = 4102;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static Serialization serialization(ActorSystem<?> system) {
    return SerializationExtension.get(Adapter.toClassic(system));
  }

  private static Object roundTrip(Object value) {
    Serialization serialization = serialization(KIT.system());
    var serializer = serialization.findSerializerFor(value);
    byte[] bytes = serialization.serialize(value).get();
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value)).get();
  }

  /** One stored row: serializer id, manifest and payload, as event_journal and snapshot keep them. */
  private static Object stored(String line) throws Exception {
    return stored(line, serialization(KIT.system()));
  }

  private static Object stored(String line, Serialization serialization) throws Exception {
    JsonNode row = MAPPER.readTree(line);
    byte[] payload = MAPPER.writeValueAsBytes(row.get("payload"));
    return serialization.deserialize(payload, row.get("serializerId").asInt(), row.get("manifest").asText()).get();
  }

  private static List<String> fixture(String name) throws Exception {
    return java.nio.file.Files.readAllLines(java.nio.file.Path.of(JournalFormatTest.class
        .getResource("/journal-fixtures/" + name).toURI()));
  }

  /** The fixture's journal replayed onto an empty state, its rows read as they are stored. */
  private static ChainState replayed(List<String> rows, Serialization serialization) throws Exception {
    ChainState state = ChainState.empty();
    for (String line : rows) {
      state = state.apply((ChainEvent) stored(line, serialization));
    }
    return state;
  }

  @Test
  void aJournalAndASnapshotRecordedOnTheFirstDayOfCommandsStillReplay() throws Exception {
    ChainState replayed = replayed(fixture("chain-7.journal.jsonl"), serialization(KIT.system()));
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

  /** A catch-up run that skipped fires keeps both in its snapshot once it ended (Recovery names them again). */
  @Test
  void theFiresAnEndedRunNamedSurviveItsSnapshot() {
    ChainState.EndedRun ended = new ChainState.EndedRun(9, Trigger.MISFIRE, T0, T0, T0, T0.plusSeconds(90),
        RunStatus.SUCCESS, 1L, "n", null, new Misfires(2, T0.minusSeconds(3600), T0, false),
        new SkippedFires(1, T0.plusSeconds(60), T0.plusSeconds(60)));
    ChainState state = new ChainState(T0.plusSeconds(60), null, ended, List.of());
    assertEquals(state, roundTrip(state));
  }

  /**
   * Each recorded row written today: same payload (the event's name included), and the serializer
   * that names events or snapshots, with no manifest, so nothing stored names a Java class.
   */
  @Test
  void rowsWrittenNowNameTheEventNotItsClass() throws Exception {
    for (String line : fixture("chain-7.journal.jsonl")) {
      assertWrittenAs(EVENTS, line);
    }
    assertWrittenAs(SNAPSHOTS, fixture("chain-7.snapshot.jsonl").get(0));
  }

  private static void assertWrittenAs(int serializerId, String line) throws Exception {
    Object value = stored(line);
    Serialization serialization = serialization(KIT.system());
    Serializer serializer = serialization.findSerializerFor(value);
    byte[] payload = serialization.serialize(value).get();
    assertEquals(serializerId, serializer.identifier(), line);
    assertEquals("", Serializers.manifestFor(serializer, value), line);
    assertEquals(MAPPER.readTree(line).get("payload"), MAPPER.readTree(payload), line);
    assertEquals(value, serialization.deserialize(payload, serializerId, "").get());
  }

  /** An event without a name would be written under its class's name, which a move changes. */
  @Test
  void everyEventHasANameOfItsOwn() {
    Map<Class<?>, String> names = Arrays.stream(ChainEvent.class.getAnnotation(JsonSubTypes.class).value())
        .collect(Collectors.toMap(JsonSubTypes.Type::value, JsonSubTypes.Type::name));
    assertEquals(Set.of(ChainEvent.class.getPermittedSubclasses()), names.keySet());
    assertEquals(names.size(), Set.copyOf(names.values()).size(), "two events share a name: " + names);
  }

  /**
   * Once the classes move, the manifests of the rows recorded before events had names name classes
   * that no longer exist. Here they are renamed into a package that never existed and listed the way
   * baton-pekko.conf lists today's: the journal and the snapshot still replay to the same state.
   */
  @Test
  void rowsRecordedBeforeNamesReplayAfterTheirClassesMoved() throws Exception {
    UnaryOperator<String> moved = name -> name.replace("io.baton.chain.", "io.baton.retired.");
    Map<String, Object> migrations = new HashMap<>();
    NODE.getConfig("pekko.serialization.jackson.jackson-json.migrations").root().unwrapped()
        .forEach((manifest, migration) -> migrations.put(moved.apply(manifest), migration));
    migrations.keySet().forEach(manifest ->
        assertThrows(ClassNotFoundException.class, () -> Class.forName(manifest), manifest));
    ActorTestKit afterMove = ActorTestKit.create(ConfigFactory.empty()
        .withValue("pekko.serialization.jackson.jackson-json.migrations", ConfigValueFactory.fromMap(migrations))
        .withFallback(NODE));
    try {
      Serialization serialization = serialization(afterMove.system());
      List<String> journal = fixture("chain-7.journal.jsonl").stream().map(moved).toList();
      assertTrue(journal.stream().allMatch(line -> line.contains("\"manifest\":\"io.baton.retired.")));
      ChainState snapshot = (ChainState) stored(moved.apply(fixture("chain-7.snapshot.jsonl").get(0)), serialization);

      assertEquals(replayed(fixture("chain-7.journal.jsonl"), serialization(KIT.system())),
          replayed(journal, serialization));
      assertEquals(stored(fixture("chain-7.snapshot.jsonl").get(0)), snapshot);
    } finally {
      afterMove.shutdownTestKit();
    }
  }
}
