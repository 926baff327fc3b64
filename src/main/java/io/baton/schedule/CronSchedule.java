package io.baton.schedule;

import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;

/**
 * A cron expression read as wall-clock times in {@code zone}.
 *
 * <p>cron-utils is only ever asked about local date-times (presented to it as UTC, which has no
 * DST), and the zone rules alone decide which instant a local time means:
 *
 * <ul>
 *   <li>in a gap the local time does not exist, so it fires at the transition instant, the first
 *       instant after the gap; every gap time maps to that instant, so it fires once;
 *   <li>in an overlap it fires at the earlier offset, the first occurrence; when the search starts
 *       in the second pass those times are already past and the search resumes after the overlap.
 * </ul>
 */
record CronSchedule(String text, ZoneId zone, ExecutionTime wallClock) implements Schedule {

  @Override
  public Optional<Instant> nextFireAfter(Instant after) {
    ZoneRules rules = zone.getRules();
    // Cron fire times are whole seconds, so dropping the fraction cannot skip one.
    LocalDateTime cursor = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS);
    while (true) {
      Optional<ZonedDateTime> next;
      try {
        next = wallClock.nextExecution(cursor.atZone(ZoneOffset.UTC));
      } catch (RuntimeException e) { // cron-utils gives up on some valid expressions (0 0 12 31W * ?)
        throw new IllegalStateException("the next fire after " + cursor + " cannot be computed: " + e.getMessage(), e);
      }
      if (next.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime local = next.get().toLocalDateTime();
      ZoneOffsetTransition transition = rules.getTransition(local);
      Instant fire =
          transition != null && transition.isGap()
              ? transition.getInstant()
              : local.atZone(zone).toInstant(); // atZone picks the earlier offset in an overlap
      if (fire.isAfter(after)) {
        return Optional.of(fire);
      }
      // Only reached from the second pass of an overlap: every time left in it already fired.
      cursor = local;
      if (transition != null && transition.isOverlap()) {
        LocalDateTime lastOfOverlap = transition.getDateTimeBefore().minusSeconds(1);
        cursor = lastOfOverlap.isAfter(local) ? lastOfOverlap : local;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    // The compiled cron follows from the text, so text and zone identify the schedule.
    return o instanceof CronSchedule other && text.equals(other.text) && zone.equals(other.zone);
  }

  @Override
  public int hashCode() {
    return text.hashCode() * 31 + zone.hashCode();
  }

  @Override
  public String toString() {
    return "CronSchedule[" + text + " in " + zone + "]";
  }
}
