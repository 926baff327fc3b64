package io.baton.node;

import io.baton.schedule.Schedule;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Next fires of many chains at once: chains with the same timestr share one computation. The fire
 * found after {@code from} is also the next one after any later instant before it. Not thread-safe.
 */
final class NextFires {
  private record Known(Instant from, Instant next) {} // next = Instant.MAX: none

  private final Map<String, Known> known = new HashMap<>();

  /** The schedule's first fire after {@code from}, or null if it has none; throws if it cannot say. */
  Instant after(Schedule schedule, Instant from) {
    Known k = known.get(schedule.text());
    if (k == null || from.isBefore(k.from()) || !from.isBefore(k.next())) {
      k = new Known(from, schedule.nextFireAfter(from).orElse(Instant.MAX));
      known.put(schedule.text(), k);
    }
    return k.next() == Instant.MAX ? null : k.next();
  }
}
