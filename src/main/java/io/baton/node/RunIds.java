package io.baton.node;

import java.time.Clock;
import java.time.Instant;

/**
 * 64-bit run ids, unique across nodes and restarts without a database round trip: 41 bits of
 * milliseconds since 2020-01-01, 10 bits of node number (its realtime_status row id), 12 bits of
 * sequence within the millisecond. Ids never go backwards, even if the clock does.
 */
public final class RunIds {
  private static final long EPOCH_MILLIS = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
  private static final int NODE_BITS = 10;
  private static final int SEQUENCE_BITS = 12;

  private final long node;
  private final Clock clock;
  private long last;

  public RunIds(long nodeNumber, Clock clock) {
    this.node = nodeNumber & ((1L << NODE_BITS) - 1);
    this.clock = clock;
  }

  public synchronized long next() {
    long millis = clock.millis() - EPOCH_MILLIS;
    long candidate = (millis << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS);
    // Same millisecond (or a clock step back): take the next sequence number after the last id.
    last = candidate > last ? candidate : last + 1;
    return last;
  }
}
