package io.baton.exec;

import static io.baton.config.BatonSettings.ExecSettings.LONGEST_TIMEOUT;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code jobtable.ottime}. Operators write it by hand, so the short forms they already use
 * elsewhere are accepted: {@code 300} (seconds), {@code 90s}, {@code 15m}, {@code 2h}, {@code
 * 1h30m}, as well as ISO-8601 ({@code PT15M}).
 */
public final class Timeouts {
  private Timeouts() {}

  private static final Pattern SECONDS = Pattern.compile("\\d+");
  private static final Pattern UNITS =
      Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?", Pattern.CASE_INSENSITIVE);

  /**
   * @param ottime the column value; null, blank or zero means {@code nodeDefault}
   * @return a positive duration
   * @throws IllegalArgumentException if the value is not one of the accepted forms or is negative
   */
  public static Duration parse(String ottime, Duration nodeDefault) {
    if (ottime == null || ottime.isBlank()) {
      return nodeDefault;
    }
    String text = ottime.trim();
    Duration d;
    try {
      d = read(text);
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      d = null;
    }
    if (d == null) {
      throw new IllegalArgumentException(
          "timeout '" + ottime + "' is not a duration; use seconds (300), 90s, 15m, 2h, 1h30m"
              + " or ISO-8601 (PT15M)");
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("timeout '" + ottime + "' is negative");
    }
    requireWithinLongest(d, "timeout '" + ottime + "'");
    // A zero timeout would stop every run at once; it can only mean "no specific value".
    return d.isZero() ? nodeDefault : d;
  }

  /** Refuses a duration above the longest timeout allowed, naming what asked for it. */
  public static void requireWithinLongest(Duration d, String what) {
    if (d.compareTo(LONGEST_TIMEOUT) > 0) {
      throw new IllegalArgumentException(what + " is " + describe(d) + ", more than the longest allowed ("
          + LONGEST_TIMEOUT.toDays() + " days)");
    }
  }

  private static String describe(Duration d) {
    return d.toDays() >= 2 && d.toSeconds() % 86_400 == 0 ? d.toDays() + " days"
        : d.toDays() >= 2 ? d.toSeconds() + " s (" + d.toDays() + " days and more)" : d.toSeconds() + " s";
  }

  private static Duration read(String text) {
    if (SECONDS.matcher(text).matches()) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    if (text.toUpperCase(Locale.ROOT).startsWith("P") || text.startsWith("-")) {
      return Duration.parse(text);
    }
    Matcher m = UNITS.matcher(text);
    if (!m.matches() || text.isEmpty()) {
      return null;
    }
    Duration d = Duration.ZERO;
    d = d.plus(Duration.ofHours(number(m.group(1))));
    d = d.plus(Duration.ofMinutes(number(m.group(2))));
    return d.plus(Duration.ofSeconds(number(m.group(3))));
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
