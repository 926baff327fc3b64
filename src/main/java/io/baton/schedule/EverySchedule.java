package io.baton.schedule;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code @every <duration>}: every instant that is a whole multiple of {@code period} since the
 * Unix epoch. Pure instant arithmetic, independent of the zone, so every node computes the same
 * fire times whatever its clock settings and whenever it started.
 */
record EverySchedule(String text, Duration period) implements Schedule {

  /** Go-style components; "ms" is listed before "m" so that it wins. */
  private static final Pattern COMPONENT = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|h|m|s)");

  private static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000; // Go's limit, ~292 years

  EverySchedule {
    if (period.isNegative() || period.isZero() || period.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException("period must be a positive whole number of ms");
    }
  }

  @Override
  public Optional<Instant> nextFireAfter(Instant after) {
    long periodMillis = period.toMillis();
    // toEpochMilli floors, and the next multiple after the floor is also the next after 'after'.
    long multiple = Math.floorDiv(after.toEpochMilli(), periodMillis) + 1;
    return Optional.of(Instant.ofEpochMilli(multiple * periodMillis));
  }

  /** Parses the argument of {@code @every}: h, m, s and ms components, e.g. 1h30m, 1.5s. */
  static Duration parsePeriod(String timestr, String arg) throws InvalidScheduleException {
    if (arg.startsWith("-")) {
      throw new InvalidScheduleException(timestr, "@every duration must be positive");
    }
    Matcher m = COMPONENT.matcher(arg);
    BigDecimal millis = BigDecimal.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      millis = millis.add(new BigDecimal(m.group(1)).multiply(unitMillis(m.group(2))));
      end = m.end();
    }
    if (end == 0 || end != arg.length()) {
      throw new InvalidScheduleException(
          timestr,
          "'" + arg + "' is not a duration; use h, m, s and ms components,"
              + " e.g. 30s, 5m, 1h30m, 500ms");
    }
    if (millis.signum() == 0) {
      throw new InvalidScheduleException(timestr, "@every duration must be positive");
    }
    if (millis.stripTrailingZeros().scale() > 0) {
      throw new InvalidScheduleException(timestr, "@every duration must be whole milliseconds");
    }
    if (millis.compareTo(BigDecimal.valueOf(MAX_MILLIS)) > 0) {
      throw new InvalidScheduleException(timestr, "@every duration is too long");
    }
    return Duration.ofMillis(millis.longValueExact());
  }

  private static BigDecimal unitMillis(String unit) {
    return BigDecimal.valueOf(
        switch (unit) {
          case "h" -> 3_600_000L;
          case "m" -> 60_000L;
          case "s" -> 1_000L;
          default -> 1L; // ms
        });
  }
}
