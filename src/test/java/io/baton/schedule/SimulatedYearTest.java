package io.baton.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Walks nextFireAfter through local 2026, across both DST transitions of the zone. */
class SimulatedYearTest {

  /** The first instant of {@code year} in {@code zone}: its midnight of January 1st. */
  private static Instant startOf(int year, ZoneId zone) {
    return LocalDate.of(year, 1, 1).atStartOfDay(zone).toInstant();
  }

  private static List<Instant> yearOfFires(String timestr, ZoneId zone) throws Exception {
    Schedule schedule = Schedules.parse(timestr, zone);
    Instant start = startOf(2026, zone);
    Instant end = startOf(2027, zone);
    List<Instant> fires = new ArrayList<>();
    Instant t = start.minusNanos(1); // the window is [start, end): a fire at midnight counts
    while ((t = schedule.nextFireAfter(t).orElseThrow()).isBefore(end)) {
      assertTrue(fires.isEmpty() || t.isAfter(fires.get(fires.size() - 1)), "not increasing");
      fires.add(t);
    }
    return fires;
  }

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Paris", "America/New_York"})
  void dailyFiresOnceEveryCalendarDay(String zoneName) throws Exception {
    ZoneId zone = ZoneId.of(zoneName);
    for (String daily : List.of("0 2 * * *", "02:30")) {
      List<Instant> fires = yearOfFires(daily, zone);
      assertEquals(365, fires.size(), daily);
      Map<LocalDate, Integer> perDay = new TreeMap<>();
      fires.forEach(f -> perDay.merge(LocalDate.ofInstant(f, zone), 1, Integer::sum));
      for (LocalDate d = LocalDate.of(2026, 1, 1); d.getYear() == 2026; d = d.plusDays(1)) {
        assertEquals(1, perDay.getOrDefault(d, 0), daily + " on " + d);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Paris", "America/New_York"})
  void hourlyFiresOnceForEveryWallClockHour(String zoneName) throws Exception {
    ZoneId zone = ZoneId.of(zoneName);
    Instant start = startOf(2026, zone);
    Instant end = startOf(2027, zone);
    assertEquals(8760, Duration.between(start, end).toHours(), "real hours in the year");
    // 8760 wall-clock hours; the missing 02:00 of the gap collapses into 03:00, and the
    // repeated 02:00 (01:00 in New York) of the overlap fires only at its first occurrence.
    List<Instant> fires = yearOfFires("@hourly", zone);
    assertEquals(8760 - 1, fires.size());
    assertEquals(start, fires.get(0));
    assertEquals(end.minus(Duration.ofHours(1)), fires.get(fires.size() - 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Paris", "America/New_York"})
  void everySevenMinutesFollowsTheEpoch(String zoneName) throws Exception {
    ZoneId zone = ZoneId.of(zoneName);
    List<Instant> fires = yearOfFires("@every 7m", zone);
    Instant start = startOf(2026, zone);
    Instant end = startOf(2027, zone);
    // multiples of 420 s in [start, end); neither bound is a multiple in these zones
    long expected =
        Math.floorDiv(end.getEpochSecond(), 420) - Math.floorDiv(start.getEpochSecond(), 420);
    assertEquals(75086, expected);
    assertEquals(expected, fires.size());
    for (Instant fire : fires) {
      assertEquals(0, fire.getEpochSecond() % 420, fire.toString());
    }
    assertEquals(Duration.ofMinutes(7), Duration.between(fires.get(0), fires.get(1)));
  }
}
