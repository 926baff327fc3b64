package io.baton.node;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.SchedulerException;
import org.apache.pekko.actor.SchedulerTask;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * The actor system's scheduler (pekko.scheduler.implementation) on the JDK's
 * ScheduledThreadPoolExecutor: its thread sleeps until the next timer is due. Pekko's default
 * wheel wakes every 10 ms whether a timer is due or not, which on a node of sleeping chains was a
 * third of its idle CPU. A timer due once fires at its instant, not at the next 10 ms tick; repeats
 * run on a coarse grid, and keep their place on it, so that an idle node's periodic chores share
 * its wake-ups. It
 * keeps the contract of Pekko's scheduler: a due task is handed to its dispatcher; a task runs or
 * is cancelled, never both; a repeated task's next run is timed once it has run (runs never
 * overlap, and one that fails or whose target terminated is not repeated); a task that asks to run
 * when the system stops ({@link Scheduler.TaskRunOnClose}) runs then; a timer asked for after that
 * is refused as Pekko's are. Two differences: a run its dispatcher refuses is reported and skipped,
 * and the repeat goes on (Pekko's ends it), so a dispatcher full for a moment does not end a
 * periodic chore; and a run at a fixed delay that ended within {@link #KEEP_PLACE_NANOS} of its
 * instant keeps its place on the grid, so the next one may begin that much less than the delay
 * after it ended.
 */
public final class DeadlineScheduler implements Scheduler, Closeable {
  /** What a task due at once returns: it was handed over already, so there is nothing to cancel. */
  private static final Cancellable RAN = new Cancellable() {
    @Override
    public boolean cancel() {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }
  };

  private static final long LONGEST_REPEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(10L * Integer.MAX_VALUE);
  private static final long GRID_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long COARSE_GRID_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  /** A fixed-delay run that ended this soon after its instant (it only sent a message, say) keeps its place on the grid. */
  static final long KEEP_PLACE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final ScheduledThreadPoolExecutor timer;
  /** Where this scheduler's grid lies: nodes sharing a host do not all wake at the same instants. */
  private final long gridPhase;
  private final LoggingAdapter log;
  private final Set<Once> runOnClose = ConcurrentHashMap.newKeySet();

  /** The constructor Pekko calls: its configuration, log and the thread factory of "scheduler". */
  public DeadlineScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this(log, threadFactory, java.util.concurrent.ThreadLocalRandom.current().nextLong(COARSE_GRID_NANOS));
  }

  /** With its repeats' grid at {@code gridPhase} (nanoseconds, modulo the grid's step). */
  DeadlineScheduler(LoggingAdapter log, ThreadFactory threadFactory, long gridPhase) {
    this.log = log;
    this.gridPhase = gridPhase;
    this.timer = new ScheduledThreadPoolExecutor(1, threadFactory);
    timer.setRemoveOnCancelPolicy(true); // a cancelled timer (most ask timeouts) leaves no garbage behind
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable task, ExecutionContext executor) {
    if (delay.toNanos() <= 0) {
      if (timer.isShutdown()) {
        throw closed();
      }
      executor.execute(task);
      return RAN;
    }
    Once once = new Once(task, executor);
    once.arm(delay.toNanos());
    return once;
  }

  /** Pekko's fixed-rate schedule: {@code task} every {@code interval} after {@code initialDelay}. */
  @Override
  public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable task,
      ExecutionContext executor) {
    return repeat(initialDelay, interval, true, task, executor);
  }

  @Override
  public Cancellable scheduleWithFixedDelay(FiniteDuration initialDelay, FiniteDuration delay, Runnable task,
      ExecutionContext executor) {
    return repeat(initialDelay, delay, false, task, executor);
  }

  private Cancellable repeat(FiniteDuration initialDelay, FiniteDuration interval, boolean atFixedRate,
      Runnable task, ExecutionContext executor) {
    requirePositive(interval); // Pekko's fixed delay would loop without end
    requireWithinReach(interval);
    requireWithinReach(initialDelay);
    Repeat repeat = new Repeat(task, interval.toNanos(), atFixedRate, executor);
    repeat.arm(Math.max(0, initialDelay.toNanos()));
    return repeat;
  }

  /**
   * How late a repeat of {@code intervalNanos} may run so that it shares a wake-up with the others:
   * its runs are timed on a grid of this step. Half a second for the intervals that are a whole
   * number of half seconds (most of an idle node's chores: shard retries, lease checks, distributed
   * data's ticks, Baton's own), which then come at two instants a second; a tenth of a second for
   * other intervals from half a second up. A timer due once (a chain's fire) keeps its instant;
   * so do the cluster's gossip and failure detector, which time each tick as a timer due once.
   */
  static long slackNanos(long intervalNanos) {
    if (intervalNanos >= COARSE_GRID_NANOS) {
      return intervalNanos % COARSE_GRID_NANOS == 0 ? COARSE_GRID_NANOS : GRID_NANOS;
    }
    return intervalNanos >= TimeUnit.MILLISECONDS.toNanos(250) ? TimeUnit.MILLISECONDS.toNanos(50) : 0;
  }

  /**
   * The first point of the grid of {@code step} shifted by {@code phase} at or after
   * {@code nanoTime} (a System.nanoTime() reading, which may wrap).
   */
  static long onGrid(long nanoTime, long step, long phase) {
    return step == 0 ? nanoTime : nanoTime + Math.floorMod(phase - nanoTime, step);
  }

  /** Timers due once fire at their instant (to the JDK's precision), not at ticks. */
  @Override
  public double maxFrequency() {
    return 1000;
  }

  /** Pending timers are dropped, except those that asked to run when the system stops. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS); // a hand-over under way ends first
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Once once : runOnClose) {
      try {
        once.runNow();
      } catch (SchedulerException ignored) {
        // its target has terminated
      } catch (RuntimeException e) {
        log.error(e, "exception while executing timer task");
      }
    }
    runOnClose.clear();
  }

  /** As Pekko's wheel refuses a repeat further out than its ticks reach (about 248 days). */
  private static void requireWithinReach(FiniteDuration delay) {
    if (delay.toNanos() > LONGEST_REPEAT_NANOS) {
      throw new IllegalArgumentException("Task scheduled with [" + delay.toSeconds() + "] seconds delay, which is too"
          + " far in future, maximum delay is [" + (TimeUnit.NANOSECONDS.toSeconds(LONGEST_REPEAT_NANOS) - 1) + "] seconds");
    }
  }

  private static void requirePositive(FiniteDuration interval) {
    if (interval.toNanos() <= 0) {
      throw new IllegalArgumentException("Task scheduled with [" + interval + "] interval, which means creating an"
          + " infinite loop. The expected interval must be greater than 0.");
    }
  }

  /** As Pekko's scheduler refuses a timer once closed: its own repeats take this for "stop". */
  private static IllegalStateException closed() {
    String why = "cannot enqueue after timer shutdown";
    return new IllegalStateException(why, new SchedulerException(why));
  }

  /** Runs on the timer's thread: the task itself runs on its dispatcher. False if the dispatcher refused it. */
  private static boolean handOver(Runnable task, ExecutionContext executor) {
    try {
      executor.execute(task);
      return true;
    } catch (RuntimeException e) {
      executor.reportFailure(e);
      return false;
    }
  }

  /** A {@link SchedulerTask} whose pending run was dropped is told so, on its dispatcher. */
  private static void dropped(Runnable task, ExecutionContext executor) {
    if (task instanceof SchedulerTask t) {
      handOver(t::cancelled, executor);
    }
  }

  /** A task due once: handed over, or cancelled, whichever comes first. */
  private final class Once implements Cancellable {
    private static final int PENDING = 0;
    private static final int HANDED = 1;
    private static final int CANCELLED = 2;
    private final Runnable task;
    private final ExecutionContext executor;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private volatile ScheduledFuture<?> future;

    Once(Runnable task, ExecutionContext executor) {
      this.task = task;
      this.executor = executor;
    }

    void arm(long delayNanos) {
      if (task instanceof Scheduler.TaskRunOnClose) {
        runOnClose.add(this);
      }
      try {
        future = timer.schedule(this::due, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        runOnClose.remove(this);
        throw closed();
      }
    }

    private void due() {
      if (state.compareAndSet(PENDING, HANDED)) {
        runOnClose.remove(this);
        handOver(task, executor);
      }
    }

    /** The system stops: run here, unless it ran or was cancelled. */
    void runNow() {
      if (state.compareAndSet(PENDING, HANDED)) {
        task.run();
      }
    }

    @Override
    public boolean cancel() {
      if (!state.compareAndSet(PENDING, CANCELLED)) {
        return false; // it ran already, or was cancelled before
      }
      runOnClose.remove(this);
      ScheduledFuture<?> armed = future;
      if (armed != null) {
        armed.cancel(false);
      }
      dropped(task, executor); // it never runs now
      return true;
    }

    @Override
    public boolean isCancelled() {
      return state.get() == CANCELLED;
    }
  }

  /**
   * A task run every {@code intervalNanos}: each run is timed once the one before has run (runs
   * never overlap), at the next point of its grid ({@link #slackNanos}). At a fixed rate, a late
   * run does not shift the ones after it; with a fixed delay, the next run is due an interval after
   * this one ended, or, if it ended within {@link #KEEP_PLACE_NANOS} of the instant it was timed
   * for, an interval after that instant: it keeps its place on the grid, where rounding each run up
   * to the next point would move it by a step every time, away from the other repeats of its
   * interval. As Pekko's scheduler does, a run whose target terminated ends the repeat.
   */
  private final class Repeat implements Cancellable {
    private final Runnable task;
    private final long intervalNanos;
    private final long slackNanos;
    private final boolean atFixedRate;
    private final ExecutionContext executor;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile ScheduledFuture<?> future;
    private long nextAt; // System.nanoTime() of the next run; used by one run at a time
    private long timedFor; // the instant (System.nanoTime()) the next run is timed for: nextAt on the grid

    Repeat(Runnable task, long intervalNanos, boolean atFixedRate, ExecutionContext executor) {
      this.task = task;
      this.intervalNanos = intervalNanos;
      this.slackNanos = slackNanos(intervalNanos);
      this.atFixedRate = atFixedRate;
      this.executor = executor;
    }

    void arm(long delayNanos) {
      nextAt = System.nanoTime() + delayNanos;
      try {
        if (delayNanos == 0) {
          timedFor = nextAt;
          timeNext(0); // asked for at once
        } else {
          timeNextOnGrid();
        }
      } catch (RejectedExecutionException e) {
        throw closed();
      }
    }

    private void timeNextOnGrid() {
      long now = System.nanoTime();
      long toGridPoint = onGrid(nextAt, slackNanos, gridPhase) - nextAt; // under one step: no overflow within reach
      timedFor = nextAt + toGridPoint;
      timeNext(Math.max(1, timedFor - now));
    }

    private void timeNext(long delayNanos) {
      future = timer.schedule(() -> {
        if (!cancelled.get() && !handOver(this::runOnce, executor)) {
          next(); // its dispatcher refused this run: the next one is still due
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
      if (cancelled.get()) {
        future.cancel(false);
      }
    }

    private void runOnce() {
      if (cancelled.get()) {
        return;
      }
      try {
        task.run();
      } catch (SchedulerException terminated) {
        return; // its target terminated: not repeated
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof SchedulerException) {
          return; // a timer it asked for was refused: the system stops
        }
        throw e;
      }
      next();
    }

    private void next() {
      if (atFixedRate) {
        nextAt += intervalNanos;
      } else {
        long ended = System.nanoTime();
        boolean prompt = slackNanos > 0 && ended - timedFor < KEEP_PLACE_NANOS;
        nextAt = prompt ? timedFor + intervalNanos : ended + intervalNanos;
      }
      try {
        timeNextOnGrid();
      } catch (RejectedExecutionException closing) {
        // the system stops: no more runs
      }
    }

    @Override
    public boolean cancel() {
      if (!cancelled.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> armed = future;
      if (armed != null && armed.cancel(false)) {
        dropped(task, executor); // a run was waiting: one under way is no drop
      }
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }
  }
}
