package io.baton.exec;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * When the periodic process check ({@link LiveJobs#tick}) runs next: {@code busy} after a check
 * that found processes or orphans to watch, {@code idle} after one that found none, and within
 * {@code busy} of a process being started ({@link #hurry}). An idle node's check every second
 * found nothing, yet cost it a wake-up and a read of /proc each time.
 */
final class CheckPace {
  private final ScheduledExecutorService timer;
  private final long busyNanos;
  private final long idleNanos;
  private final BooleanSupplier check;
  private ScheduledFuture<?> next; // guarded by this; null once the timer is shut down
  private long generation; // of the check timed last: a run of an earlier one (replaced as it began) does nothing
  private boolean checking; // a check runs now
  private boolean slow; // next is the idle pace away
  private boolean hurried; // a start was announced while a check ran

  /** {@code check} runs the check on {@code timer} and says whether it found anything to watch. */
  CheckPace(ScheduledExecutorService timer, Duration busy, Duration idle, BooleanSupplier check) {
    this.timer = timer;
    this.busyNanos = busy.toNanos();
    this.idleNanos = idle.toNanos();
    this.check = check;
    synchronized (this) {
      next = schedule(busyNanos);
    }
  }

  private void run(long timed) {
    synchronized (this) {
      if (timed != generation) {
        return; // a start replaced it by a nearer check as it began: that one runs instead
      }
      checking = true;
    }
    boolean watching = true; // a check that failed is repeated at the busy pace
    try {
      watching = check.getAsBoolean();
    } finally {
      synchronized (this) {
        checking = false;
        boolean soon = watching || hurried;
        hurried = false;
        slow = !soon;
        next = schedule(soon ? busyNanos : idleNanos);
      }
    }
  }

  /** A process is about to start: the next check comes within the busy pace. */
  synchronized void hurry() {
    if (checking || !slow) {
      hurried = true; // the check under way times the next one at the busy pace, or it is that near already
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    slow = false;
    next = schedule(busyNanos);
  }

  /** Times the next check (the one before it, if pending, no longer counts); called holding the lock. */
  private ScheduledFuture<?> schedule(long delayNanos) {
    long timed = ++generation;
    try {
      return timer.schedule(() -> run(timed), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      return null; // the launcher is closed: no more checks
    }
  }
}
