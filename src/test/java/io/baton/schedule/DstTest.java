package io.baton.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Europe/Paris 2026: on 29 March 02:00 CET jumps to 03:00 CEST (01:00Z); on 25 October 03:00 CEST
 * falls back to 02:00 CET (01:00Z), so local 02:00-02:59 happens twice.
 */
class DstTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static List<Instant> fires(String timestr, String from, String to) throws Exception {
    Schedule schedule = Schedules.parse(timestr, PARIS);
    List<Instant> fires = new ArrayList<>();
    Instant end = Instant.parse(to);
    Instant t = Instant.parse(from);
    while ((t = schedule.nextFireAfter(t).orElseThrow()).compareTo(end) <= 0) {
      fires.add(t);
    }
    return fires;
  }

  /** The first fire of {@code schedule} after {@code after} is {@code expected}. */
  private static void assertNextFire(Schedule schedule, String after, String expected) {
    assertEquals(Instant.parse(expected), schedule.nextFireAfter(Instant.parse(after)).orElseThrow());
  }

  private static List<Instant> instants(String... texts) {
    return List.of(texts).stream().map(Instant::parse).toList();
  }

  @Test
  void gapTimeFiresOnceAtTheEndOfTheGap() throws Exception {
    assertEquals(
        instants("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
        fires("30 2 * * *", "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z"));
    assertEquals(
        instants("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
        fires("02:30", "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z"));
    assertEquals(
        instants("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
        fires("0 30 2 * * ?", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z"));
  }

  @Test
  void gapCollapsesFourQuarterHoursIntoOneFire() throws Exception {
    // 01:00-01:45 CET, then 02:00-02:45 do not exist and collapse with 03:00 CEST into 01:00Z
    assertEquals(
        instants(
            "2026-03-29T00:00:00Z", "2026-03-29T00:15:00Z", "2026-03-29T00:30:00Z",
            "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z",
            "2026-03-29T01:30:00Z"),
        fires("*/15 * * * *", "2026-03-28T23:59:00Z", "2026-03-29T01:30:00Z"));
    Schedule quarter = Schedules.parse("*/15 * * * *", PARIS);
    assertNextFire(quarter, "2026-03-29T00:50:00Z", "2026-03-29T01:00:00Z");
    assertNextFire(quarter, "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z");
  }

  @Test
  void overlapTimeFiresOnceAtTheFirstOccurrence() throws Exception {
    assertEquals(
        instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        fires("30 2 * * *", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z"));
    // searching from inside the second pass (02:10 CET) must not fire 02:30 again
    Schedule schedule = Schedules.parse("30 2 * * *", PARIS);
    assertNextFire(schedule, "2026-10-25T01:10:00Z", "2026-10-26T01:30:00Z");
  }

  @Test
  void halfHourlyAcrossTheOverlapNeverDoublesNorGoesBack() throws Exception {
    List<Instant> fires = fires("*/30 * * * *", "2026-10-24T22:00:00Z", "2026-10-25T03:00:00Z");
    // 00:30 ... 02:30 CEST, then the repeated 02:00 and 02:30 CET are skipped, then 03:00 CET on
    assertEquals(
        instants(
            "2026-10-24T22:30:00Z", "2026-10-24T23:00:00Z", "2026-10-24T23:30:00Z",
            "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z",
            "2026-10-25T02:30:00Z", "2026-10-25T03:00:00Z"),
        fires);
    Set<LocalDateTime> localTimes = new HashSet<>();
    for (Instant fire : fires) {
      assertTrue(localTimes.add(LocalDateTime.ofInstant(fire, PARIS)), "doubled at " + fire);
    }
    // from every point of the overlap, the next fire is ahead and never a repeated local time
    Schedule schedule = Schedules.parse("*/30 * * * *", PARIS);
    for (Instant t = Instant.parse("2026-10-25T00:00:00Z");
        t.isBefore(Instant.parse("2026-10-25T02:00:00Z"));
        t = t.plusSeconds(300)) {
      Instant next = schedule.nextFireAfter(t).orElseThrow();
      assertTrue(next.isAfter(t), "went back from " + t);
      assertTrue(fires.contains(next), "unexpected fire " + next + " after " + t);
    }
  }

  @Test
  void secondsCronLeavesTheSecondPassOfTheOverlapInOneStep() throws Exception {
    Schedule schedule = Schedules.parse("*/10 * * * * ?", PARIS);
    assertNextFire(schedule, "2026-10-25T00:59:45Z", "2026-10-25T00:59:50Z");
    // 00:59:50Z is 02:59:50 CEST; 01:00:05Z is 02:00:05 CET, already seen an hour ago
    assertNextFire(schedule, "2026-10-25T00:59:50Z", "2026-10-25T02:00:00Z");
    assertNextFire(schedule, "2026-10-25T01:00:05Z", "2026-10-25T02:00:00Z");
  }

  @Test
  void newYorkGapAndOverlap() throws Exception {
    // 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z)
    Schedule schedule = Schedules.parse("30 2 * * *", ZoneId.of("America/New_York"));
    assertNextFire(schedule, "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z");
    Schedule oneThirty = Schedules.parse("01:30", ZoneId.of("America/New_York"));
    assertNextFire(oneThirty, "2026-10-31T12:00:00Z", "2026-11-01T05:30:00Z");
    assertNextFire(oneThirty, "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z");
  }
}
