package io.baton.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Operators read these messages, so the exact wording is checked. */
class InvalidTimestrTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static String reject(String timestr) {
    return assertThrows(InvalidScheduleException.class, () -> Schedules.parse(timestr, PARIS))
        .getMessage();
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "61 * * * *          | timestr '61 * * * *': minute 61 out of range 0-59",
        "' 61 * * * * '      | timestr '61 * * * *': minute 61 out of range 0-59",
        "* 24 * * *          | timestr '* 24 * * *': hour 24 out of range 0-23",
        "* * 32 * *          | timestr '* * 32 * *': day-of-month 32 out of range 1-31",
        "* * * 13 *          | timestr '* * * 13 *': month 13 out of range 1-12",
        "* * * * 8           | timestr '* * * * 8': day-of-week 8 out of range 0-7",
        "60 0 12 * * ?       | timestr '60 0 12 * * ?': second 60 out of range 0-59",
        "0 0 12 ? * 8        | timestr '0 0 12 ? * 8': day-of-week 8 out of range 1-7",
        "0 0 12 * * ? 1969   | timestr '0 0 12 * * ? 1969': year 1969 out of range 1970-2099",
        "25:00               | timestr '25:00': hour 25 out of range 0-23",
        "12:60               | timestr '12:60': minute 60 out of range 0-59",
        "12:00:61            | timestr '12:00:61': second 61 out of range 0-59",
        "@every 0s           | timestr '@every 0s': @every duration must be positive",
        "@every 0h0m         | timestr '@every 0h0m': @every duration must be positive",
        "@every -5m          | timestr '@every -5m': @every duration must be positive",
        "@every 0.5ms        | timestr '@every 0.5ms': @every duration must be whole milliseconds",
        "@daily 3            | timestr '@daily 3': @daily takes no argument",
      })
  void exactReason(String timestr, String message) {
    assertEquals(message, reject(timestr));
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | timestr '': is empty; expected a Unix cron (5 fields)",
        "'   '               | timestr '': is empty; expected",
        "garbage             | timestr 'garbage': is not a schedule; expected",
        "run it daily        | timestr 'run it daily': has 3 fields; expected",
        "* * * *             | timestr '* * * *': has 4 fields; expected",
        "0 0 0 * * ? 2026 1  | timestr '0 0 0 * * ? 2026 1': has 8 fields; expected",
        "abc * * * *         | timestr 'abc * * * *': minute 'abc' is invalid: ",
        "5-1 * * * *         | timestr '5-1 * * * *': minute '5-1' is invalid: ",
        "0 0 12 * * *        | timestr '0 0 12 * * *': a Quartz cron needs '?' in day-of-month",
        "@every abc          | timestr '@every abc': 'abc' is not a duration; use h, m, s and ms",
        "@every 5d           | timestr '@every 5d': '5d' is not a duration",
        "@every 5m 10s       | timestr '@every 5m 10s': @every needs exactly one duration",
        "@every              | timestr '@every': @every needs exactly one duration",
        "@fortnightly        | timestr '@fortnightly': unknown macro '@fortnightly'; expected",
        "12:5                | timestr '12:5': a daily time must be HH:MM or HH:MM:SS (24 h)",
        "12:00:00:00         | timestr '12:00:00:00': a daily time must be HH:MM or HH:MM:SS",
      })
  void reasonStartsWith(String timestr, String prefix) {
    String message = reject(timestr);
    assertTrue(message.startsWith(prefix), () -> "message was: " + message);
  }

  @Test
  void nullIsTreatedAsEmpty() {
    assertTrue(reject(null).startsWith("timestr '': is empty"));
  }

  @Test
  void exceptionCarriesTimestrAndReason() {
    InvalidScheduleException e =
        assertThrows(InvalidScheduleException.class, () -> Schedules.parse(" 25:00 ", PARIS));
    assertEquals("25:00", e.timestr());
    assertEquals("hour 25 out of range 0-23", e.reason());
  }
}
