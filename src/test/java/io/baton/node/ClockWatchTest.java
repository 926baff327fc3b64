package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockWatchTest {
  private final AtomicLong wallMillis = new AtomicLong(Instant.parse("2026-03-29T00:59:00Z").toEpochMilli());
  private final AtomicLong monoNanos = new AtomicLong(5_000_000_000L);
  private final Clock wall = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(wallMillis.get());
    }
  };
  private final ClockWatch watch = new ClockWatch(wall, monoNanos::get);

  private void advance(long wallMs, long monoMs) {
    wallMillis.addAndGet(wallMs);
    monoNanos.addAndGet(monoMs * 1_000_000);
  }

  @Test
  void clocksAdvancingAlikeAreNoJump() {
    advance(1000, 1000);
    assertEquals(Duration.ZERO, watch.jump());
    advance(1400, 1000); // drift and a late check stay within the tolerance
    assertEquals(Duration.ZERO, watch.jump());
  }

  @Test
  void aClockSetForwardOrBackIsReportedOnce() {
    advance(1000 + 3_600_000, 1000);
    assertEquals(Duration.ofHours(1), watch.jump());
    advance(1000, 1000);
    assertEquals(Duration.ZERO, watch.jump());
    advance(1000 - 120_000, 1000);
    assertEquals(Duration.ofMinutes(-2), watch.jump());
  }
}
