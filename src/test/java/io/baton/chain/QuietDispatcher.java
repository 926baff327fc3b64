package io.baton.chain;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * The executor of every dispatcher of the tests' actor system, with a count of the tasks submitted
 * and not yet finished. A message sent to an idle actor, a journal write, a future's callback, all
 * pass through here; so when the count is zero nothing in the system is running or about to run
 * (timers are manual and fire only when the test says), and the test may look.
 */
public final class QuietDispatcher extends ExecutorServiceConfigurator {
  static final Tasks TASKS = new Tasks();

  /** Configuration that puts every dispatcher of a system on this executor. */
  static final String CONFIG = """
      pekko.actor.default-dispatcher.executor = "io.baton.chain.QuietDispatcher"
      pekko.actor.internal-dispatcher.executor = "io.baton.chain.QuietDispatcher"
      pekko.actor.default-blocking-io-dispatcher.executor = "io.baton.chain.QuietDispatcher"
      pekko.persistence.dispatchers.default-plugin-dispatcher {
        type = Dispatcher
        executor = "io.baton.chain.QuietDispatcher"
      }
      pekko.persistence.dispatchers.default-replay-dispatcher.executor = "io.baton.chain.QuietDispatcher"
      pekko.persistence.dispatchers.default-stream-dispatcher.executor = "io.baton.chain.QuietDispatcher"
      """;

  public QuietDispatcher(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    return () -> new Counted(TASKS);
  }

  /**
   * The system's tasks: a queue, the count of those not finished, and a thread that runs them
   * while the test waits inside Pekko (for a reply, a restart). While the test waits for quiet it
   * runs them itself and the thread stands aside: on a busy machine, work handed from one thread
   * to another costs milliseconds each time. (Pekko never runs one actor on two threads at once,
   * whichever threads take its mailbox.) The test starts on them only once the thread has finished
   * the one it took, so tasks run one at a time, in the order they came: two actors' work never
   * interleaves differently from one run to the next.
   */
  static final class Tasks {
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Thread worker;
    private int unfinished;
    private boolean testRunsThem;
    private boolean workerRuns; // the thread runs a task it took
    private Throwable failure;

    private Tasks() {
      worker = new Thread(this::work, "quiet-dispatcher");
      worker.setDaemon(true);
      worker.start();
    }

    private void work() {
      try {
        while (true) {
          Runnable task;
          synchronized (this) {
            while (testRunsThem || queue.isEmpty()) {
              wait();
            }
            task = queue.poll();
            workerRuns = true;
          }
          try {
            run(task);
          } finally {
            synchronized (this) {
              workerRuns = false;
              notifyAll();
            }
          }
        }
      } catch (InterruptedException e) {
        // released
      }
    }

    private void run(Runnable task) {
      Throwable error = null;
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        error = e;
      } finally {
        synchronized (this) {
          if (error != null && failure == null) {
            failure = error;
          }
          unfinished--;
          notifyAll();
        }
      }
    }

    private synchronized void execute(Runnable task) {
      unfinished++;
      queue.add(task);
      notifyAll();
    }

    /** Runs every task until none is left; still busy after {@code limit}: the test fails. */
    void awaitQuiet(Duration limit) {
      long deadline = System.nanoTime() + limit.toNanos();
      try {
        while (true) {
          Runnable task;
          synchronized (this) {
            testRunsThem = true;
            task = workerRuns ? null : queue.poll();
            if (task == null) {
              if (unfinished == 0) {
                break;
              }
              long left = deadline - System.nanoTime(); // the thread finishes the one it took
              if (left <= 0) {
                throw new AssertionError("the actor system was still busy after " + limit);
              }
              TimeUnit.NANOSECONDS.timedWait(this, left);
              continue;
            }
          }
          run(task);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the actor system", e);
      } finally {
        synchronized (this) {
          testRunsThem = false;
          notifyAll();
        }
      }
      synchronized (this) {
        if (failure != null) {
          throw new AssertionError("a dispatcher task failed", failure);
        }
      }
    }
  }

  /**
   * What one dispatcher sees: the shared thread. A dispatcher shuts its executor down when it has
   * had no actor for a while; the thread is the system's, so that only stops this view.
   */
  private static final class Counted extends AbstractExecutorService {
    private final Tasks tasks;
    private volatile boolean shutdown;

    Counted(Tasks tasks) {
      this.tasks = tasks;
    }

    @Override
    public void execute(Runnable command) {
      if (shutdown) {
        throw new RejectedExecutionException("dispatcher shut down");
      }
      tasks.execute(command);
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return shutdown;
    }
  }
}
