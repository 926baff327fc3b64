package io.baton.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every accepted timestr form, with hand-computed next fire times. */
class SchedulesTest {

  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static Instant next(String timestr, ZoneId zone, String after) throws Exception {
    return Schedules.parse(timestr, zone).nextFireAfter(Instant.parse(after)).orElseThrow();
  }

  @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
  @CsvSource({
    // Unix cron
    "'*/5 * * * *',        UTC,          2026-03-10T10:02:30Z, 2026-03-10T10:05:00Z",
    "'*/5 * * * *',        UTC,          2026-03-10T10:05:00Z, 2026-03-10T10:10:00Z",
    "'*/5   *  * * *',     UTC,          2026-03-10T10:05:00Z, 2026-03-10T10:10:00Z",
    // Friday noon -> Monday 02:30 CET
    "'30 2 * * 1-5',       Europe/Paris, 2026-03-13T12:00:00Z, 2026-03-16T01:30:00Z",
    "'0 0 * * 0',          UTC,          2026-03-11T00:00:00Z, 2026-03-15T00:00:00Z",
    "'0 0 * * 7',          UTC,          2026-03-11T00:00:00Z, 2026-03-15T00:00:00Z",
    "'0 0 * * SUN',        UTC,          2026-03-11T00:00:00Z, 2026-03-15T00:00:00Z",
    // Unix: day-of-month OR day-of-week when both are restricted; Monday the 13th fires
    "'0 0 13 * 5',         UTC,          2026-04-10T12:00:00Z, 2026-04-13T00:00:00Z",
    "'0 0 13 * 5',         UTC,          2026-04-13T00:00:00Z, 2026-04-17T00:00:00Z",
    // Quartz cron, seconds first; Quartz day-of-week 1 is Sunday
    "'0 30 2 ? * MON-FRI', Europe/Paris, 2026-03-13T12:00:00Z, 2026-03-16T01:30:00Z",
    "'15 * * * * ?',       UTC,          2026-03-10T10:00:15Z, 2026-03-10T10:01:15Z",
    "'0 0 0 ? * 1',        UTC,          2026-03-11T00:00:00Z, 2026-03-15T00:00:00Z",
    "'0 0 0 ? * SUN',      UTC,          2026-03-11T00:00:00Z, 2026-03-15T00:00:00Z",
    // last day of month at noon; February 12:00 CET, March 12:00 CEST
    "'0 0 12 L * ?',       Europe/Paris, 2026-02-01T00:00:00Z, 2026-02-28T11:00:00Z",
    "'0 0 12 L * ?',       Europe/Paris, 2026-02-28T11:00:00Z, 2026-03-31T10:00:00Z",
    "'0 0 0 1 1 ? 2027',   Europe/Paris, 2026-06-01T00:00:00Z, 2026-12-31T23:00:00Z",
    // macros
    "@yearly,              UTC,          2026-03-10T10:00:00Z, 2027-01-01T00:00:00Z",
    "@annually,            UTC,          2026-03-10T10:00:00Z, 2027-01-01T00:00:00Z",
    "@monthly,             UTC,          2026-03-10T10:00:00Z, 2026-04-01T00:00:00Z",
    "@weekly,              UTC,          2026-03-11T00:00:00Z, 2026-03-15T00:00:00Z",
    "@daily,               UTC,          2026-03-10T10:00:00Z, 2026-03-11T00:00:00Z",
    "@midnight,            UTC,          2026-03-10T10:00:00Z, 2026-03-11T00:00:00Z",
    "@daily,               Europe/Paris, 2026-03-10T10:00:00Z, 2026-03-10T23:00:00Z",
    "@hourly,              UTC,          2026-03-10T10:00:00Z, 2026-03-10T11:00:00Z",
    "@every 30s,           UTC,          2026-03-10T10:00:10Z, 2026-03-10T10:00:30Z",
    "@every 30s,           UTC,          2026-03-10T10:00:30Z, 2026-03-10T10:01:00Z",
    "@every 5m,            UTC,          2026-03-10T10:02:00Z, 2026-03-10T10:05:00Z",
    // 90 min divides a UTC day: 09:00, 10:30, ...
    "@every 1h30m,         UTC,          2026-03-10T10:00:00Z, 2026-03-10T10:30:00Z",
    "@every 1.5h,          UTC,          2026-03-10T10:00:00Z, 2026-03-10T10:30:00Z",
    "@every 500ms,         UTC,          2026-03-10T10:00:00.200Z, 2026-03-10T10:00:00.500Z",
    // 10:00Z is 1773136800 s = 4221754 * 420 s + 120 s; next multiple 1773137100 s is 10:05Z
    "@every 7m,            UTC,          2026-03-10T10:00:00Z, 2026-03-10T10:05:00Z",
    "@every 7m,            Europe/Paris, 2026-03-10T10:00:00Z, 2026-03-10T10:05:00Z",
    "@every 7m,            UTC,          1970-01-01T00:00:00Z, 1970-01-01T00:07:00Z",
    // daily times
    "02:30,                Europe/Paris, 2026-03-10T10:00:00Z, 2026-03-11T01:30:00Z",
    "23:59:30,             UTC,          2026-03-10T10:00:00Z, 2026-03-10T23:59:30Z",
    "7:05,                 UTC,          2026-03-10T10:00:00Z, 2026-03-11T07:05:00Z",
  })
  void nextFireTime(String timestr, String zone, String after, String expected) throws Exception {
    assertEquals(Instant.parse(expected), next(timestr, ZoneId.of(zone), after));
  }

  @Test
  void surroundingBlanksAreIgnoredAndTextIsTrimmed() throws Exception {
    Schedule schedule = Schedules.parse(" \t 02:30  ", PARIS);
    assertEquals("02:30", schedule.text());
    assertEquals(Instant.parse("2026-03-11T01:30:00Z"),
        schedule.nextFireAfter(Instant.parse("2026-03-10T10:00:00Z")).orElseThrow());
    assertEquals("*/5  * * * *", Schedules.parse("  */5  * * * * ", UTC).text());
    assertEquals("@every 30s", Schedules.parse("@every 30s\n", UTC).text());
  }

  @Test
  void quartzYearInThePastNeverFires() throws Exception {
    Schedule schedule = Schedules.parse("0 0 12 * * ? 2020", PARIS);
    assertEquals(Optional.empty(), schedule.nextFireAfter(Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void quartzYearFiresUntilItsLastYearThenStops() throws Exception {
    Schedule schedule = Schedules.parse("0 0 0 1 1 ? 2027", PARIS);
    assertEquals(Optional.empty(), schedule.nextFireAfter(Instant.parse("2026-12-31T23:00:00Z")));
  }

  @Test
  void everyIgnoresFractionsOfTheInstantAndTheZone() throws Exception {
    Schedule utc = Schedules.parse("@every 7m", UTC);
    Schedule kolkata = Schedules.parse("@every 7m", ZoneId.of("Asia/Kolkata"));
    Instant after = Instant.parse("2026-07-01T12:34:56.789123456Z");
    Instant fire = utc.nextFireAfter(after).orElseThrow();
    assertEquals(fire, kolkata.nextFireAfter(after).orElseThrow());
    assertEquals(0, fire.toEpochMilli() % 420_000);
    assertEquals(true, fire.isAfter(after) && fire.minusSeconds(420).compareTo(after) <= 0);
  }

  @Test
  void cronIgnoresFractionsOfTheInstant() throws Exception {
    Schedule schedule = Schedules.parse("* * * * * ?", UTC);
    assertEquals(Instant.parse("2026-03-10T10:00:01Z"),
        schedule.nextFireAfter(Instant.parse("2026-03-10T10:00:00.999999999Z")).orElseThrow());
  }
}
