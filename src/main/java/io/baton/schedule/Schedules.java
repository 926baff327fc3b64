package io.baton.schedule;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code jobchain_table.timestr}. Accepted forms, surrounding blanks ignored:
 *
 * <ul>
 *   <li>Unix cron, 5 fields: {@code *}{@code /5 * * * *}, {@code 30 2 * * 1-5};
 *   <li>Quartz cron, 6 or 7 fields with seconds first: {@code 0 30 2 ? * MON-FRI};
 *   <li>macros {@code @yearly @annually @monthly @weekly @daily @midnight @hourly} and
 *       {@code @every <duration>} (Go-style, e.g. {@code 1h30m}, {@code 500ms});
 *   <li>a daily time {@code HH:MM} or {@code HH:MM:SS} (24 h).
 * </ul>
 */
public final class Schedules {

  private static final String EXPECTED =
      "expected a Unix cron (5 fields), a Quartz cron (6 or 7 fields, seconds first),"
          + " a macro such as @daily or @every 30s, or a daily time HH:MM[:SS]";

  /** Macros are plain cron expressions so they get the same DST handling as any cron. */
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final Pattern DAILY_TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");

  private Schedules() {}

  /** Parses a timestr in the given zone. */
  public static Schedule parse(String timestr, ZoneId zone) throws InvalidScheduleException {
    Objects.requireNonNull(zone, "zone");
    String text = timestr == null ? "" : timestr.strip();
    if (text.isEmpty()) {
      throw new InvalidScheduleException(text, "is empty; " + EXPECTED);
    }
    String[] parts = text.split("\\s+");
    if (parts[0].startsWith("@")) {
      return macro(text, parts, zone);
    }
    if (parts.length == 1 && parts[0].contains(":")) {
      return dailyTime(text, zone);
    }
    return switch (parts.length) {
      case 5 -> new CronSchedule(text, zone, CronDialect.UNIX.compile(text, parts));
      case 6, 7 -> new CronSchedule(text, zone, CronDialect.QUARTZ.compile(text, parts));
      case 1 -> throw new InvalidScheduleException(text, "is not a schedule; " + EXPECTED);
      default -> throw new InvalidScheduleException(
          text, "has " + parts.length + " fields; " + EXPECTED);
    };
  }

  private static Schedule macro(String text, String[] parts, ZoneId zone)
      throws InvalidScheduleException {
    String name = parts[0].toLowerCase(Locale.ROOT);
    if (name.equals("@every")) {
      if (parts.length != 2) {
        throw new InvalidScheduleException(
            text, "@every needs exactly one duration, e.g. @every 30s or @every 1h30m");
      }
      return new EverySchedule(text, EverySchedule.parsePeriod(text, parts[1]));
    }
    String cron = MACROS.get(name);
    if (cron == null) {
      throw new InvalidScheduleException(
          text,
          "unknown macro '" + parts[0] + "'; expected @yearly, @annually, @monthly, @weekly,"
              + " @daily, @midnight, @hourly or @every <duration>");
    }
    if (parts.length != 1) {
      throw new InvalidScheduleException(text, parts[0] + " takes no argument");
    }
    return new CronSchedule(text, zone, CronDialect.UNIX.compile(text, cron.split(" ")));
  }

  private static Schedule dailyTime(String text, ZoneId zone) throws InvalidScheduleException {
    Matcher m = DAILY_TIME.matcher(text);
    if (!m.matches()) {
      throw new InvalidScheduleException(
          text, "a daily time must be HH:MM or HH:MM:SS (24 h), e.g. 02:30 or 23:59:30");
    }
    int hour = inRange(text, "hour", m.group(1), 23);
    int minute = inRange(text, "minute", m.group(2), 59);
    int second = m.group(3) == null ? 0 : inRange(text, "second", m.group(3), 59);
    String[] quartz = {"" + second, "" + minute, "" + hour, "*", "*", "?"};
    return new CronSchedule(text, zone, CronDialect.QUARTZ.compile(text, quartz));
  }

  private static int inRange(String text, String what, String digits, int max)
      throws InvalidScheduleException {
    int value = Integer.parseInt(digits);
    if (value > max) {
      throw new InvalidScheduleException(
          text, what + " " + value + " out of range 0-" + max);
    }
    return value;
  }
}
