package io.baton.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * 64-bit run ids, unique across nodes and restarts without a database round trip: 41 bits of
 * milliseconds since 2020-01-01, 10 bits of node number (unique among the nodes of a database,
 * given at start-up), 12 bits of sequence within the millisecond.
 *
 * <p>Ids never go backwards, even if the clock does: within a process each id is above the last,
 * and a restarted node starts above {@code floor}, an id at or above every one it made before
 * (its heartbeat keeps {@link #reservedUpTo()} in the database). When the clock stands still or
 * went back, the sequence goes on counting and then the millisecond part, never the node bits.
 */
public final class RunIds {
  private static final long EPOCH_MILLIS = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
  private static final int NODE_BITS = 10;
  private static final int SEQUENCE_BITS = 12;
  private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
  private static final int MILLIS_SHIFT = NODE_BITS + SEQUENCE_BITS;
  /** How far ahead of the last id the heartbeat reserves: longer than a heartbeat interval can be. */
  private static final Duration RESERVE = Duration.ofMinutes(1);

  private final long node;
  private final Clock clock;
  private long last;

  public RunIds(long nodeNumber, Clock clock, long floor) {
    this.node = nodeNumber & ((1L << NODE_BITS) - 1);
    this.clock = clock;
    this.last = floor;
  }

  public synchronized long next() {
    long candidate = ((clock.millis() - EPOCH_MILLIS) << MILLIS_SHIFT) | (node << SEQUENCE_BITS);
    if (candidate > last) {
      last = candidate;
    } else {
      // same millisecond, or a clock set back: count on from the last id, keeping the node bits
      long millis = last >>> MILLIS_SHIFT;
      long sequence = (last & SEQUENCE_MASK) + 1;
      if (sequence > SEQUENCE_MASK || ((last >>> SEQUENCE_BITS) & ((1L << NODE_BITS) - 1)) != node) {
        millis++;
        sequence = 0;
      }
      last = (millis << MILLIS_SHIFT) | (node << SEQUENCE_BITS) | sequence;
    }
    return last;
  }

  /** An id above every id made so far and every id the next minute can make: stored by each heartbeat. */
  public synchronized long reservedUpTo() {
    long now = ((clock.millis() - EPOCH_MILLIS) << MILLIS_SHIFT) | (node << SEQUENCE_BITS);
    return Math.max(now, last) + (RESERVE.toMillis() << MILLIS_SHIFT);
  }

  /** This node's number: the node bits of its ids. */
  public int nodeNumber() {
    return (int) node;
  }

  /** The node number in an id. */
  public static int nodeOf(long runId) {
    return (int) ((runId >>> SEQUENCE_BITS) & ((1L << NODE_BITS) - 1));
  }
}
