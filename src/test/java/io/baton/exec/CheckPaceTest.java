package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process check's pace, on a timer whose checks the test runs itself. */
class CheckPaceTest {
  private static final Duration BUSY = Duration.ofSeconds(1);
  private static final Duration IDLE = Duration.ofSeconds(5);

  private final ManualTimer timer = new ManualTimer();

  @AfterEach
  void close() {
    timer.shutdownNow();
  }

  @Test
  void theFirstCheckIsASecondAwayAndAnIdleOneSlowsThePace() {
    new CheckPace(timer, BUSY, IDLE, () -> false);
    assertEquals(List.of(1000L), timer.pendingDelays());
    timer.runNext();
    assertEquals(List.of(5000L), timer.pendingDelays());
  }

  @Test
  void aCheckThatFoundSomethingToWatchKeepsTheBusyPace() {
    new CheckPace(timer, BUSY, IDLE, () -> true);
    timer.runNext();
    timer.runNext();
    assertEquals(List.of(1000L), timer.pendingDelays());
  }

  @Test
  void aStartBringsTheNextCheckWithinASecondOfIt() {
    CheckPace pace = new CheckPace(timer, BUSY, IDLE, () -> false);
    timer.runNext();
    pace.hurry();
    assertEquals(List.of(1000L), timer.pendingDelays(), "the idle check was replaced by one a second away");
    timer.runNext();
    assertEquals(List.of(5000L), timer.pendingDelays());
  }

  @Test
  void aStartWhileACheckRunsIsNotLost() {
    CheckPace[] pace = new CheckPace[1];
    boolean[] first = {true};
    // the check finds nothing; a process is announced after it looked, before it timed the next one
    pace[0] = new CheckPace(timer, BUSY, IDLE, () -> {
      if (first[0]) {
        first[0] = false;
        pace[0].hurry();
      }
      return false;
    });
    timer.runNext();
    assertEquals(List.of(1000L), timer.pendingDelays());
  }

  @Test
  void aStartJustAsAnIdleCheckBeginsLeavesOneCheckTimed() {
    CheckPace pace = new CheckPace(timer, BUSY, IDLE, () -> false);
    timer.runNext();
    Timed idle = timer.pending().get(0);
    assertEquals(5000L, idle.delayMillis);
    pace.hurry(); // cancels the idle check, which (on the JDK's timer) has begun all the same
    idle.task.run();
    assertEquals(List.of(1000L), timer.pendingDelays(), "one check, a second away; no second chain of checks");
  }

  @Test
  void aCheckThatFailsIsRepeatedAtTheBusyPace() {
    BooleanSupplier failing = () -> {
      throw new IllegalStateException("/proc unreadable");
    };
    new CheckPace(timer, BUSY, IDLE, failing);
    assertThrows(IllegalStateException.class, timer::runNext);
    assertEquals(List.of(1000L), timer.pendingDelays());
  }

  @Test
  void aClosedTimerEndsTheChecksQuietly() {
    CheckPace pace = new CheckPace(timer, BUSY, IDLE, () -> false);
    timer.shutdown();
    timer.runNext();
    pace.hurry();
    assertTrue(timer.pendingDelays().isEmpty());
  }

  /** Records what is scheduled instead of running it; {@link #runNext} runs the earliest. */
  private static final class ManualTimer extends ScheduledThreadPoolExecutor {
    private final List<Timed> timed = new ArrayList<>();

    ManualTimer() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      if (isShutdown()) {
        throw new RejectedExecutionException("timer shut down");
      }
      Timed t = new Timed(task, unit.toMillis(delay));
      timed.add(t);
      return t;
    }

    List<Timed> pending() {
      return timed.stream().filter(t -> !t.isDone()).toList();
    }

    List<Long> pendingDelays() {
      return pending().stream().map(t -> t.delayMillis).toList();
    }

    /** As the JDK's timer runs a task: it can still be cancelled while it runs. */
    void runNext() {
      Timed next = pending().get(0);
      try {
        next.task.run();
      } finally {
        next.done = true;
      }
    }
  }

  private static final class Timed implements ScheduledFuture<Void> {
    private final Runnable task;
    private final long delayMillis;
    private boolean done;
    private boolean cancelled;

    Timed(Runnable task, long delayMillis) {
      this.task = task;
      this.delayMillis = delayMillis;
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      if (done) {
        return false;
      }
      done = true;
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done;
    }

    @Override
    public Void get() {
      return null;
    }

    @Override
    public Void get(long timeout, TimeUnit unit) {
      return null;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
    }
  }
}
