package io.baton.chain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;

/**
 * The wall clock of a test node. It reads the manual scheduler's time, so the clock and the actors'
 * timers cannot drift apart; {@link #set} moves only the wall clock, as an NTP step or an operator
 * setting the date would, while the timers keep measuring the time that really passed.
 */
final class ManualClock extends Clock {
  private final ExplicitlyTriggeredScheduler scheduler;
  private volatile Instant origin; // the wall instant at scheduler time 0

  ManualClock(ExplicitlyTriggeredScheduler scheduler, Instant now) {
    this.scheduler = scheduler;
    this.origin = now.minusMillis(scheduler.currentTimeMs());
  }

  /** The wall clock is set forward (positive) or back; no time passes. */
  void set(Duration by) {
    origin = origin.plus(by);
  }

  /** The scheduler time at which this clock will read {@code wall}. */
  long schedulerTimeAt(Instant wall) {
    return Duration.between(origin, wall).toMillis();
  }

  @Override
  public Instant instant() {
    return origin.plusMillis(scheduler.currentTimeMs());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the chain reads instants only");
  }
}
