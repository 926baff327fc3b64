package io.baton.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fires that fell while no node ran: one catch-up run if recent enough, one message per chain. */
@RunsAlone
class MisfireIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb();

  @Test
  void tenMissedFiresOfAnEveryChainGiveOneCatchUpRun() throws Exception {
    node.start();
    long chain = node.chainOfOneJob("every second", "@every 1s", "ok.sh");
    node.firstFinishedRun(chain);
    node.stop();
    Instant stopped = Instant.now();
    await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(stopped.plusSeconds(11)));
    Instant restarted = Instant.now();
    node.start();

    List<Map<String, Object>> runs = node.awaitRuns(chain, r -> r.stream().anyMatch(MisfireIT::misfire));
    List<Map<String, Object>> catchUps = runs.stream().filter(MisfireIT::misfire).toList();
    assertEquals(1, catchUps.size());
    Instant caughtUp = utc(catchUps.get(0).get("scheduled_time"));
    // the latest fire no node took: after the stop, and before the first fire the restarted node ran
    Instant firstScheduled = runs.stream().filter(r -> "SCHEDULE".equals(r.get("trigger_type")))
        .map(r -> utc(r.get("scheduled_time"))).filter(t -> t.isAfter(stopped)).min(Instant::compareTo).orElse(Instant.MAX);
    assertTrue(caughtUp.isAfter(stopped) && caughtUp.isBefore(firstScheduled) && caughtUp.isAfter(restarted.minusSeconds(2)),
        "the latest missed fire: " + caughtUp + " (first fire run after the restart: " + firstScheduled + ")");
    List<Map<String, Object>> messages = node.messages("chain " + chain + ": MISFIRE");
    assertEquals(1, messages.size());
    String msg = messages.get(0).get("msg").toString();
    assertTrue(msg.matches("(?s).* 1[0-9] fire\\(s\\) missed .*runs now as one catch-up run.*"), msg);
    node.assertNoFireTwice(chain);
  }

  @Test
  void missedFiresOlderThanTheGraceAreNotRunButReported() throws Exception {
    // The nodes' clocks are set to 2030-01-01 10:00 UTC; the chain fires every second until 10:04:59.
    Duration toTen = Duration.between(Instant.now(), Instant.parse("2030-01-01T10:00:00Z"));
    node.with("baton.timezone", "UTC").start(Clock.offset(Clock.systemUTC(), toTen));
    long chain = node.chainOfOneJob("10:00 to 10:04", "* 0-4 10 * * ?", "ok.sh");
    node.firstFinishedRun(chain);
    node.stop();
    // the next node starts at 11:00: the latest missed fire (10:04:59) is older than the 10 min grace
    node.start(Clock.offset(Clock.systemUTC(), toTen.plusHours(1)));

    await().atMost(Duration.ofSeconds(20)).until(() -> !node.messages("chain " + chain + ": MISFIRE").isEmpty());
    String msg = node.messages("chain " + chain + ": MISFIRE").get(0).get("msg").toString();
    assertTrue(msg.contains("and 2030-01-01T10:04:59Z") && msg.contains("none is run") && msg.contains("misfire-grace"),
        msg);
    assertTrue(node.runs(chain).stream().noneMatch(MisfireIT::misfire));
  }

  private static boolean misfire(Map<String, Object> run) {
    return "MISFIRE".equals(run.get("trigger_type"));
  }

  private static Instant utc(Object dateTime) {
    return ((LocalDateTime) dateTime).toInstant(ZoneOffset.UTC);
  }
}
