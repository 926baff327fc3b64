package io.baton.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two cron syntaxes a timestr may use, compiled with cron-utils. cron-utils reports errors
 * without saying which field is wrong ("Value 61 not in range [0, 59]"), so on failure each field
 * is re-parsed alone among neutral fields to name it for the operator.
 */
enum CronDialect {
  UNIX(CronType.UNIX, List.of("minute", "hour", "day-of-month", "month", "day-of-week")),
  QUARTZ(
      CronType.QUARTZ,
      List.of("second", "minute", "hour", "day-of-month", "month", "day-of-week", "year"));

  private static final String PREFIX = "Failed to parse cron expression. ";
  private static final Pattern RANGE =
      Pattern.compile("Value (\\S+) not in range \\[(-?\\d+), (-?\\d+)\\]");
  private static final int QUARTZ_DOM = 3;
  private static final int QUARTZ_DOW = 5;

  // CronParser keeps no per-parse state, so one instance per dialect serves all threads.
  private final CronParser parser;
  private final List<String> fieldNames;

  CronDialect(CronType type, List<String> fieldNames) {
    this.parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type));
    this.fieldNames = fieldNames;
  }

  /** Compiles the fields of {@code timestr} (already split) or says which field is wrong. */
  ExecutionTime compile(String timestr, String[] fields) throws InvalidScheduleException {
    try {
      return ExecutionTime.forCron(parser.parse(String.join(" ", fields)).validate());
    } catch (RuntimeException whole) {
      for (int i = 0; i < fields.length; i++) {
        try {
          parser.parse(String.join(" ", probe(fields, i))).validate();
        } catch (RuntimeException e) {
          throw new InvalidScheduleException(timestr, describe(fieldNames.get(i), fields[i], e));
        }
      }
      throw new InvalidScheduleException(timestr, describeWhole(whole));
    }
  }

  /** Field {@code i} as given, every other field a wildcard that cannot fail on its own. */
  private String[] probe(String[] fields, int i) {
    String[] probe = new String[fields.length];
    Arrays.fill(probe, "*");
    probe[i] = fields[i];
    if (this == QUARTZ) {
      // Quartz wants exactly one of day-of-month / day-of-week to be '?'.
      if (i == QUARTZ_DOM) {
        probe[QUARTZ_DOW] = fields[i].equals("?") ? "*" : "?";
      } else if (i == QUARTZ_DOW) {
        probe[QUARTZ_DOM] = fields[i].equals("?") ? "*" : "?";
      } else {
        probe[QUARTZ_DOW] = "?";
      }
    }
    return probe;
  }

  private static String describe(String field, String text, RuntimeException e) {
    String message = clean(e);
    Matcher range = RANGE.matcher(message);
    if (range.find()) {
      return field + " " + range.group(1) + " out of range " + range.group(2) + "-"
          + range.group(3);
    }
    return field + " '" + text + "' is invalid: " + message;
  }

  private String describeWhole(RuntimeException e) {
    String message = clean(e);
    if (this == QUARTZ && message.contains("day-of-week AND a day-of-month")) {
      return "a Quartz cron needs '?' in day-of-month or day-of-week,"
          + " e.g. '0 0 12 * * ?' or '0 0 12 ? * MON'";
    }
    return "not a valid " + name().toLowerCase(Locale.ROOT) + " cron expression: "
        + message;
  }

  private static String clean(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.startsWith(PREFIX) ? message.substring(PREFIX.length()) : message;
  }
}
