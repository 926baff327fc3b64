package io.baton.chain;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads the journal and snapshot rows written before chain events were stored under names: those
 * rows have serializer 31 (jackson-json) and, as manifest, the name their class had then
 * ("io.baton.chain.ChainEvent$RunStarted", "io.baton.chain.ChainState"). baton-pekko.conf lists
 * those names and maps each to one of these migrations, which read the row as today's {@link
 * ChainEvent} (the payload's "type" picks the event, as for new rows) or today's {@link ChainState},
 * so the class a manifest names need not exist any more.
 *
 * <p>Pekko reads a manifest without a version as version 1 and consults a migration only for
 * older versions than its current one; hence version 2, with the payload left as it is.
 */
public abstract sealed class LegacyJournalRows extends JacksonMigration {
  private final Class<?> readAs;

  private LegacyJournalRows(Class<?> readAs) {
    this.readAs = readAs;
  }

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    return readAs.getName();
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }

  /** Rows of chain events: each payload already names its event. */
  public static final class Events extends LegacyJournalRows {
    public Events() {
      super(ChainEvent.class);
    }
  }

  /** Rows of snapshots. */
  public static final class Snapshots extends LegacyJournalRows {
    public Snapshots() {
      super(ChainState.class);
    }
  }
}
