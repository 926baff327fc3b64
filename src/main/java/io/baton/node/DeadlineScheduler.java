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
 * third of its idle CPU; timers here also fire at their instant, not at the next 10 ms tick. A
 * due task is handed to its dispatcher, as Pekko's scheduler does; a task that asks to run when
 * the system stops ({@link Scheduler.TaskRunOnClose}) runs then.
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

  private final ScheduledThreadPoolExecutor timer;
  private final LoggingAdapter log;
  private final Set<Runnable> runOnClose = ConcurrentHashMap.newKeySet();

  /** The constructor Pekko calls: its configuration, log and the thread factory of "scheduler". */
  public DeadlineScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this.log = log;
    this.timer = new ScheduledThreadPoolExecutor(1, threadFactory);
    timer.setRemoveOnCancelPolicy(true); // a cancelled timer (most ask timeouts) leaves no garbage behind
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable task, ExecutionContext executor) {
    if (delay.toNanos() <= 0) {
      if (timer.isShutdown()) {
        throw new IllegalStateException("cannot enqueue after timer shutdown");
      }
      executor.execute(task);
      return RAN;
    }
    if (task instanceof Scheduler.TaskRunOnClose) {
      runOnClose.add(task);
    }
    try {
      return new Timer(timer.schedule(() -> {
        runOnClose.remove(task);
        handOver(task, executor);
      }, delay.toNanos(), TimeUnit.NANOSECONDS), task, executor);
    } catch (RejectedExecutionException e) {
      runOnClose.remove(task);
      throw new IllegalStateException("cannot enqueue after timer shutdown", e);
    }
  }

  /** Pekko's fixed-rate schedule: {@code task} every {@code interval} after {@code initialDelay}. */
  @Override
  public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable task,
      ExecutionContext executor) {
    if (interval.toNanos() <= 0) {
      throw new IllegalArgumentException("Task scheduled with [" + interval + "] interval, which means creating an"
          + " infinite loop. The expected interval must be greater than 0.");
    }
    try {
      return new Timer(timer.scheduleAtFixedRate(() -> handOver(task, executor),
          Math.max(0, initialDelay.toNanos()), interval.toNanos(), TimeUnit.NANOSECONDS), task, executor);
    } catch (RejectedExecutionException e) {
      throw new SchedulerException("cannot enqueue after timer shutdown");
    }
  }

  /** Timers fire at their instant (to the JDK's precision), not at ticks. */
  @Override
  public double maxFrequency() {
    return 1000;
  }

  /** Pending timers are dropped, except those that asked to run when the system stops. */
  @Override
  public void close() {
    timer.shutdownNow();
    for (Runnable task : runOnClose) {
      try {
        task.run();
      } catch (SchedulerException ignored) {
        // its target has terminated
      } catch (RuntimeException e) {
        log.error(e, "exception while executing timer task");
      }
    }
    runOnClose.clear();
  }

  /** Runs on the timer's thread: the task itself runs on its dispatcher; a failure never stops a repeat. */
  private static void handOver(Runnable task, ExecutionContext executor) {
    try {
      executor.execute(task);
    } catch (RuntimeException e) {
      executor.reportFailure(e);
    }
  }

  /** A scheduled task; cancelling a {@link SchedulerTask} tells it, on its dispatcher. */
  private final class Timer implements Cancellable {
    private final ScheduledFuture<?> future;
    private final Runnable task;
    private final ExecutionContext executor;

    Timer(ScheduledFuture<?> future, Runnable task, ExecutionContext executor) {
      this.future = future;
      this.task = task;
      this.executor = executor;
    }

    @Override
    public boolean cancel() {
      if (!future.cancel(false)) {
        return false; // it ran already, or was cancelled before
      }
      runOnClose.remove(task);
      if (task instanceof SchedulerTask t) {
        handOver(t::cancelled, executor);
      }
      return true;
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }
  }
}
