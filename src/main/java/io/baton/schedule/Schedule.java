package io.baton.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * When a job chain fires, as parsed from {@code jobchain_table.timestr} by {@link Schedules#parse}.
 * Implementations are immutable and safe to share between threads.
 *
 * <p>Left unsealed on purpose so that callers can supply hand-written schedules in their tests.
 */
public interface Schedule {

  /**
   * The first fire time strictly after {@code after}; empty if the schedule never fires again
   * (e.g. Quartz year field in the past).
   */
  Optional<Instant> nextFireAfter(Instant after);

  /** The timestr as given (trimmed), for messages. */
  String text();
}
