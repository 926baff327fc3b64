package io.baton.chain;

import io.baton.schedule.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * When a chain fires next. The next fire is computed after the later of the chain's last handled
 * fire and the moment it became fireable, so switching a chain ON never replays old fires. Timers
 * run on the monotonic clock: when the wall clock is set, the node tells every chain ({@link
 * #waitAgain()}), and no timer waits more than an hour in any case.
 * The timer wakes an idle chain {@link #LEAD} before the fire, so the run can be journaled ahead
 * and its first process started at the fire instant itself, not one durable commit later.
 */
final class FireTimer {
  static final Duration LEAD = Duration.ofSeconds(1);
  private static final Duration MAX_WAIT = Duration.ofHours(1);
  private static final String KEY = "fire";

  private final TimerScheduler<JobchainActor.Command> timers;
  private final Clock clock;
  private final ChainGauges gauges;
  private final long chainId;
  private Schedule schedule;
  private Instant armedSince;
  private Instant nextFire;

  FireTimer(TimerScheduler<JobchainActor.Command> timers, Clock clock, ChainGauges gauges, long chainId) {
    this.timers = timers;
    this.clock = clock;
    this.gauges = gauges;
    this.chainId = chainId;
  }

  /** Takes the Catalog's schedule (null: do not fire); true when it differs from the one held. */
  boolean use(Schedule next) {
    boolean changed = schedule == null ? next != null : next == null || !schedule.text().equals(next.text());
    schedule = next;
    if (schedule == null) {
      disarm();
    }
    return changed;
  }

  Schedule schedule() {
    return schedule;
  }

  boolean armed() {
    return nextFire != null;
  }

  /** Fires before this instant are not owed (the chain was switched ON or rescheduled then), or null. */
  Instant armedSince() {
    return armedSince;
  }

  /** The fire armed, or null. */
  Instant nextFire() {
    return nextFire;
  }

  /** Fires before this instant are not this timer's business (they are misfires, or the chain was OFF). */
  void startFrom(Instant since) {
    armedSince = since;
  }

  void arm(Instant lastFire) {
    timers.cancel(KEY);
    if (schedule == null) {
      return;
    }
    Instant from = lastFire != null && lastFire.isAfter(armedSince) ? lastFire : armedSince;
    nextFire = schedule.nextFireAfter(from).orElse(null);
    gauges.armed(chainId, nextFire != null);
    if (nextFire != null) {
      waitUntil(nextFire.minus(LEAD));
    }
  }

  void disarm() {
    timers.cancel(KEY);
    nextFire = null;
    gauges.armed(chainId, false);
  }

  /**
   * On a tick: the next fire if it is due within {@code lead} from now, or empty after waiting
   * again (woke early or the clock moved back).
   */
  Optional<Instant> dueWithin(Duration lead) {
    if (nextFire == null) {
      return Optional.empty();
    }
    if (clock.instant().isBefore(nextFire.minus(lead))) {
      waitUntil(nextFire.minus(lead));
      return Optional.empty();
    }
    return Optional.of(nextFire);
  }

  /** The wall clock was set: measure the wait for the armed fire again. */
  void waitAgain() {
    if (nextFire != null) {
      waitUntil(nextFire.minus(LEAD));
    }
  }

  /** The fire is due but this node may not act now (lease being renewed): look again shortly. */
  void retrySoon() {
    timers.startSingleTimer(KEY, new JobchainActor.Tick(), Duration.ofMillis(250));
  }

  private void waitUntil(Instant instant) {
    Duration wait = Duration.between(clock.instant(), instant);
    timers.startSingleTimer(KEY, new JobchainActor.Tick(),
        wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
  }
}
