package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.chain.ChainEvent.FireSkipped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wall-clock time (SPEC 2): a clock set forward or back (ClockMoved) and DST transitions neither
 * lose nor double a fire. Europe/Paris 2026: 29 March 02:00 CET jumps to 03:00 CEST; 25 October
 * 03:00 CEST falls back to 02:00 CET.
 */
class ClockTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static List<Instant> instants(String... iso) {
    return List.of(iso).stream().map(Instant::parse).toList();
  }

  @Test
  void aClockSetForwardIsMeasuredAgainSoTheFireComesAtItsWallClockInstant() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1h", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.setWallClock(Duration.ofMinutes(30)); // 10:30:10 on the wall; the timer still waits 59 min
      node.send(new JobchainActor.ClockMoved());
      node.advanceTo("2026-06-01T10:59:58Z");
      assertEquals(List.of(), node.events());
      node.advanceTo("2026-06-01T11:00:00Z");
      Ledger.Run run = node.ledger.runAt(at("2026-06-01T11:00:00Z"));
      assertEquals(at("2026-06-01T11:00:00Z"), run.startTime());
    }
  }

  @Test
  void aClockSetBackRunsNoFireTwice() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.host.exitAtOnce(0);
      node.advanceTo("2026-06-01T10:05:30Z");
      node.setWallClock(Duration.ofMinutes(-3)); // back to 10:02:30
      node.send(new JobchainActor.ClockMoved());
      node.advanceTo("2026-06-01T10:06:00Z");
      assertEquals(instants("2026-06-01T10:01:00Z", "2026-06-01T10:02:00Z", "2026-06-01T10:03:00Z",
          "2026-06-01T10:04:00Z", "2026-06-01T10:05:00Z", "2026-06-01T10:06:00Z"),
          node.ledger.scheduledTimes());
    }
  }

  @Test
  void aClockSetForwardOverSeveralFiresRunsOrReportsEachOfThemOnce() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:01:30Z");
      node.exitJob(1, 0);
      node.setWallClock(Duration.ofMinutes(5)); // 10:06:30: 10:02 to 10:06 have passed
      node.send(new JobchainActor.ClockMoved());
      assertEquals(instants("2026-06-01T10:01:00Z", "2026-06-01T10:02:00Z"), node.ledger.scheduledTimes(),
          "the armed fire runs late");
      assertEquals(instants("2026-06-01T10:03:00Z", "2026-06-01T10:04:00Z", "2026-06-01T10:05:00Z",
          "2026-06-01T10:06:00Z"), node.events(FireSkipped.class).stream().map(FireSkipped::scheduledTime).toList());
      node.exitJob(1, 0);
      only(node.ledger.messages("4 fire(s) skipped", "from 2026-06-01T10:03:00Z to 2026-06-01T10:06:00Z"));
      node.advanceTo("2026-06-01T10:07:00Z");
      assertEquals(at("2026-06-01T10:07:00Z"), node.ledger.runAt(at("2026-06-01T10:07:00Z")).startTime());
    }
  }

  /** The fires a chain in Paris runs from {@code from} to {@code to}, each job ending as it starts. */
  private static List<Instant> parisRuns(String timestr, String from, String to) {
    try (ChainFixture node = ChainFixture.of(chain(timestr, job(1, 1)), at(from)).zone(PARIS).start()) {
      node.host.exitAtOnce(0);
      node.advanceTo(to);
      node.ledger.runs().forEach(run -> assertEquals(run.scheduledTime(), run.startTime(), "on time: " + run));
      return node.ledger.scheduledTimes();
    }
  }

  @Test
  void aDailyTimeInTheSpringGapFiresOnceAtTheEndOfTheGap() {
    assertEquals(instants("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
        parisRuns("30 2 * * *", "2026-03-27T12:00:00Z", "2026-03-31T00:00:00Z"));
  }

  @Test
  void aDailyTimeInTheAutumnOverlapFiresOnceAtItsFirstOccurrence() {
    assertEquals(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        parisRuns("30 2 * * *", "2026-10-24T12:00:00Z", "2026-10-27T00:00:00Z"));
  }

  @Test
  void halfHourlyAcrossTheAutumnOverlapNeitherDoublesNorGoesBack() {
    // 00:30 ... 02:30 CEST, the repeated 02:00 and 02:30 CET not again, then 03:00 CET on
    assertEquals(instants("2026-10-24T22:30:00Z", "2026-10-24T23:00:00Z", "2026-10-24T23:30:00Z",
        "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:30:00Z",
        "2026-10-25T03:00:00Z"), parisRuns("*/30 * * * *", "2026-10-24T22:10:00Z", "2026-10-25T03:00:00Z"));
  }
}
