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

/**
 * An idle chain whose next fire is far off sleeps: its row in baton_awake_chain says until when, its
 * node's timer wheel wakes it shortly before the fire, a command wakes it at once, and a node that
 * starts after its wake has passed wakes it at once (the fire missed meanwhile is a misfire).
 * The nodes' clocks are set to a few seconds before 2030-01-01 10:00 UTC, when the chain fires.
 */
@RunsAlone
class IdleChainsIT {
  @RegisterExtension final NodeFixture node = NodeFixture.onMariaDb();

  private static final Instant TEN = Instant.parse("2030-01-01T10:00:00Z");
  private static final String DAILY_AT_TEN = "0 0 10 * * ?";
  private static final String ROW = "SELECT awake, wake_at FROM baton_awake_chain WHERE chain_id = ?";

  @Test
  void anIdleChainSleepsUntilShortlyBeforeItsFireAndACommandOrAMissedWakeWakesIt() throws Exception {
    // the daily chain, read within a few seconds, is more than sleep-beyond from its fire: it sleeps
    node.with("baton.timezone", "UTC").with("baton.sleep-beyond", "15s").start(clockAt(TEN.minusSeconds(23)));
    long daily = node.chainOfOneJob("daily at ten", DAILY_AT_TEN, "ok.sh");
    long frequent = node.chainOfOneJob("every 2 s", "@every 2s", "ok.sh");

    // a new chain with its fire far off gets no actor: only an entry in the node's timer wheel
    await().atMost(Duration.ofSeconds(30)).until(() -> !node.rows(ROW, frequent).isEmpty());
    assertEquals(List.of(), node.rows(ROW, daily), "the daily chain has not been woken yet");

    // woken 10 s before its fire, it fires on time
    await().atMost(Duration.ofSeconds(60)).until(() -> node.runs(daily).stream().anyMatch(NodeFixture::finished));
    Map<String, Object> fired = node.runs(daily).get(0);
    assertEquals("SCHEDULE", fired.get("trigger_type"));
    assertEquals(TEN, utc(fired.get("scheduled_time")));
    Duration late = Duration.between(TEN, utc(fired.get("start_time")));
    assertTrue(late.compareTo(Duration.ofMillis(500)) < 0, "it began " + late.toMillis() + " ms after its fire");

    // then it sleeps until 10 s before the next day's fire; the chain firing every 2 s never sleeps
    Instant tomorrow = TEN.plus(Duration.ofDays(1));
    assertEquals(tomorrow.minusSeconds(10), utc(awaitAsleep(daily).get("wake_at")));
    assertEquals(1, ((Number) node.rows(ROW, frequent).get(0).get("awake")).intValue());

    // an operator's command wakes it at once
    long manual = ApiCalls.trigger(node.api(), daily);
    Map<String, Object> run = node.awaitRow("SELECT * FROM chain_run WHERE run_id = ? AND end_time IS NOT NULL", manual);
    assertEquals("SUCCESS", run.get("status"));
    assertEquals(tomorrow.minusSeconds(10), utc(awaitAsleep(daily).get("wake_at")), "asleep again");

    // no node runs when it should be woken: the node started after that wakes it at once, and the
    // fire it missed is caught up
    node.stop();
    node.start(clockAt(tomorrow.plusSeconds(90)));
    List<Map<String, Object>> runs = node.awaitRuns(daily, r -> r.stream().anyMatch(
        x -> "MISFIRE".equals(x.get("trigger_type")) && NodeFixture.finished(x)));
    Map<String, Object> caughtUp = runs.stream().filter(x -> "MISFIRE".equals(x.get("trigger_type"))).findFirst()
        .orElseThrow();
    assertEquals(tomorrow, utc(caughtUp.get("scheduled_time")));
    assertEquals(1, node.messages("chain " + daily + ": MISFIRE").size());
    node.assertNoFireTwice(daily);
  }

  private Map<String, Object> awaitAsleep(long chain) {
    return node.awaitRow(ROW + " AND awake = 0", chain);
  }

  private static Clock clockAt(Instant now) {
    return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), now));
  }

  private static Instant utc(Object dateTime) {
    return dateTime == null ? null : ((LocalDateTime) dateTime).toInstant(ZoneOffset.UTC);
  }
}
