package io.baton.node;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Notices the wall clock being set (NTP step, an operator, a VM resumed): between two checks the
 * wall clock and the monotonic clock should advance alike. Chains wait for their next fire on
 * monotonic timers, so after a jump they must measure the wait again.
 */
final class ClockWatch {
  static final Duration TOLERANCE = Duration.ofSeconds(1);

  private final Clock wall;
  private final LongSupplier monotonicNanos;
  private long wallMillis;
  private long monoNanos;

  ClockWatch(Clock wall, LongSupplier monotonicNanos) {
    this.wall = wall;
    this.monotonicNanos = monotonicNanos;
    reset();
  }

  /** How far the wall clock moved apart from the monotonic one since the last check (0 within tolerance). */
  Duration jump() {
    long wallElapsed = wall.millis() - wallMillis;
    long monoElapsed = (monotonicNanos.getAsLong() - monoNanos) / 1_000_000;
    reset();
    Duration jump = Duration.ofMillis(wallElapsed - monoElapsed);
    return jump.abs().compareTo(TOLERANCE) > 0 ? jump : Duration.ZERO;
  }

  private void reset() {
    wallMillis = wall.millis();
    monoNanos = monotonicNanos.getAsLong();
  }
}
