package io.baton.chain;

import io.baton.schedule.Schedule;
import java.time.Instant;

/** The fires of a schedule that fell in (lastFire, now]: while no node was running this chain. */
public record Misfires(long count, Instant first, Instant latest, boolean countCapped) {

  /** Counting stops here: an @every 1s chain down for a month need not be walked fire by fire. */
  static final long COUNT_CAP = 100_000;

  static Misfires between(Schedule schedule, Instant lastFire, Instant now) {
    if (lastFire == null) {
      return new Misfires(0, null, null, false); // a chain that never fired has missed nothing
    }
    long count = 0;
    Instant first = null;
    Instant latest = null;
    Instant cursor = lastFire;
    while (count < COUNT_CAP) {
      Instant next = schedule.nextFireAfter(cursor).orElse(null);
      if (next == null || next.isAfter(now)) {
        return new Misfires(count, first, latest, false);
      }
      count++;
      first = first == null ? next : first;
      latest = next;
      cursor = next;
    }
    // Past the cap only the latest matters: walk back from now is not possible, so jump near it.
    Instant lastBeforeNow = latest;
    Instant probe = now.minusSeconds(3600);
    if (probe.isAfter(latest)) {
      for (Instant next = schedule.nextFireAfter(probe).orElse(null);
          next != null && !next.isAfter(now); next = schedule.nextFireAfter(next).orElse(null)) {
        lastBeforeNow = next;
      }
    }
    return new Misfires(count, first, lastBeforeNow, true);
  }
}
