package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.SchedulerTask;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.NoLogging$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/** The actor system's scheduler: tasks run on their dispatcher at their instant, cancelled ones never. */
class DeadlineSchedulerTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "dispatcher"));
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final ExecutionContext dispatcher = ExecutionContext.fromExecutor(pool, e -> {
    failures.add(e);
    return scala.runtime.BoxedUnit.UNIT;
  });
  private final DeadlineScheduler scheduler = new DeadlineScheduler(ConfigFactory.empty(), NoLogging$.MODULE$,
      r -> new Thread(r, "timer"));

  @AfterEach
  void close() {
    scheduler.close();
    pool.shutdownNow();
  }

  private static FiniteDuration millis(long ms) {
    return FiniteDuration.create(ms, TimeUnit.MILLISECONDS);
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(10, TimeUnit.SECONDS), "not run within 10 s");
  }

  @Test
  void aTaskRunsOnItsDispatcherNoEarlierThanItsDelay() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    List<String> threads = new CopyOnWriteArrayList<>();
    long scheduled = System.nanoTime();
    List<Long> at = new CopyOnWriteArrayList<>();
    scheduler.scheduleOnce(millis(150), () -> {
      at.add(System.nanoTime());
      threads.add(Thread.currentThread().getName());
      ran.countDown();
    }, dispatcher);
    await(ran);
    assertEquals(List.of("dispatcher"), threads);
    assertTrue(at.get(0) - scheduled >= TimeUnit.MILLISECONDS.toNanos(150), "ran before its delay");
  }

  @Test
  void aCancelledTaskNeverRunsAndItsCancellationIsTold() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch told = new CountDownLatch(1);
    Cancellable first = scheduler.scheduleOnce(millis(100), new SchedulerTask() {
      @Override
      public void run() {
        runs.incrementAndGet();
      }

      @Override
      public void cancelled() {
        told.countDown();
      }
    }, dispatcher);
    assertTrue(first.cancel());
    assertTrue(first.isCancelled());
    assertFalse(first.cancel(), "a second cancel has nothing to cancel");
    await(told);
    CountDownLatch later = new CountDownLatch(1);
    scheduler.scheduleOnce(millis(300), later::countDown, dispatcher);
    await(later); // the cancelled one was due before this one
    assertEquals(0, runs.get());
  }

  @Test
  void aTaskThatRanCannotBeCancelled() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Cancellable once = scheduler.scheduleOnce(millis(1), ran::countDown, dispatcher);
    await(ran);
    assertFalse(once.cancel());
    assertFalse(once.isCancelled());
  }

  @Test
  void aRepeatedTaskGoesOnAfterItsDispatcherRefusedItOnceAndStopsWhenCancelled() throws Exception {
    AtomicInteger handed = new AtomicInteger();
    CountDownLatch threeRuns = new CountDownLatch(3);
    ExecutionContext refusesFirst = new ExecutionContext() {
      @Override
      public void execute(Runnable runnable) {
        if (handed.incrementAndGet() == 1) {
          throw new RejectedExecutionException("busy");
        }
        pool.execute(runnable);
      }

      @Override
      public void reportFailure(Throwable cause) {
        failures.add(cause);
      }
    };
    Cancellable repeat = scheduler.schedule(millis(10), millis(20), threeRuns::countDown, refusesFirst);
    await(threeRuns);
    assertTrue(repeat.cancel());
    int after = handed.get();
    CountDownLatch later = new CountDownLatch(1);
    scheduler.scheduleOnce(millis(200), later::countDown, dispatcher);
    await(later);
    assertEquals(after, handed.get(), "a cancelled repeat is not handed over again");
    assertEquals("busy", failures.get(0).getMessage(), "the refusal was reported");
  }

  @Test
  void aRepeatedTaskSlowerThanItsIntervalNeverOverlapsItself() throws Exception {
    ExecutorService wide = Executors.newFixedThreadPool(4);
    try {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger mostAtOnce = new AtomicInteger();
      CountDownLatch fiveRuns = new CountDownLatch(5);
      Cancellable repeat = scheduler.schedule(millis(1), millis(5), () -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        // the task itself takes 30 ms, six intervals (the test does not wait on it)
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
        running.decrementAndGet();
        fiveRuns.countDown();
      }, ExecutionContext.fromExecutor(wide));
      await(fiveRuns);
      repeat.cancel();
      assertEquals(1, mostAtOnce.get(), "runs overlapped");
    } finally {
      wide.shutdownNow();
    }
  }

  @Test
  void aRepeatRunsAtTheGridPointAfterEachDueInstantSoThatRepeatsShareWakeUps() throws Exception {
    long step = DeadlineScheduler.slackNanos(TimeUnit.MILLISECONDS.toNanos(500));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(500), step);
    long phase = TimeUnit.MILLISECONDS.toNanos(30);
    DeadlineScheduler onKnownGrid = new DeadlineScheduler(NoLogging$.MODULE$, r -> new Thread(r, "timer"), phase);
    try {
      List<Long> runs = new CopyOnWriteArrayList<>();
      CountDownLatch threeRuns = new CountDownLatch(3);
      // due half a step after a grid point: without the grid, each run would come 250 ms before the next one
      long armed = System.nanoTime();
      long firstDue = DeadlineScheduler.onGrid(armed + TimeUnit.MILLISECONDS.toNanos(200), step, phase) + step / 2;
      Cancellable repeat = onKnownGrid.schedule(FiniteDuration.fromNanos(firstDue - armed), millis(500), () -> {
        runs.add(System.nanoTime());
        threeRuns.countDown();
      }, dispatcher);
      await(threeRuns);
      repeat.cancel();
      for (int k = 0; k < 3; k++) {
        long gridPoint = DeadlineScheduler.onGrid(firstDue + TimeUnit.MILLISECONDS.toNanos(500L * k), step, phase);
        assertTrue(runs.get(k) >= gridPoint, "run " + k + " came " + (gridPoint - runs.get(k)) + " ns before its grid point");
      }
    } finally {
      onKnownGrid.close();
    }
  }

  @Test
  void gridPointsRoundUpAndKeepExactInstants() {
    assertEquals(200, DeadlineScheduler.onGrid(101, 100, 0));
    assertEquals(200, DeadlineScheduler.onGrid(200, 100, 0));
    assertEquals(130, DeadlineScheduler.onGrid(101, 100, 30));
    assertEquals(-100, DeadlineScheduler.onGrid(-199, 100, 0)); // System.nanoTime() may be negative
    assertEquals(123, DeadlineScheduler.onGrid(123, 0, 30));
    assertEquals(0, DeadlineScheduler.slackNanos(TimeUnit.MILLISECONDS.toNanos(100)), "short repeats keep their instant");
    assertEquals(TimeUnit.MILLISECONDS.toNanos(50), DeadlineScheduler.slackNanos(TimeUnit.MILLISECONDS.toNanos(250)));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(100), DeadlineScheduler.slackNanos(TimeUnit.MILLISECONDS.toNanos(750)));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(500), DeadlineScheduler.slackNanos(TimeUnit.SECONDS.toNanos(2)),
        "whole half seconds share two instants a second");
  }

  @Test
  void aFixedDelayRepeatWhoseRunsAreShortKeepsItsPlaceOnTheGrid() throws Exception {
    long step = TimeUnit.MILLISECONDS.toNanos(500);
    long phase = TimeUnit.MILLISECONDS.toNanos(30);
    DeadlineScheduler onKnownGrid = new DeadlineScheduler(NoLogging$.MODULE$, r -> new Thread(r, "timer"), phase);
    try {
      List<Long> runs = new CopyOnWriteArrayList<>();
      CountDownLatch fourRuns = new CountDownLatch(4);
      Cancellable repeat = onKnownGrid.scheduleWithFixedDelay(millis(1), millis(500), () -> {
        runs.add(System.nanoTime());
        fourRuns.countDown();
      }, dispatcher);
      await(fourRuns);
      repeat.cancel();
      // each run rounded up to the grid point after its end plus the delay would come a step later
      // every time: three steps late by the fourth run (one late start on a busy host costs one step)
      long first = DeadlineScheduler.onGrid(runs.get(0) - step + 1, step, phase); // the grid point it ran at
      long fourth = first + 3 * TimeUnit.MILLISECONDS.toNanos(500);
      assertTrue(runs.get(3) >= fourth - step / 2, "the fourth run came " + (fourth - runs.get(3)) + " ns early");
      assertTrue(runs.get(3) < fourth + 2 * step, "the fourth run came " + (runs.get(3) - fourth) + " ns after its place"
          + " on the grid: the repeat drifted");
    } finally {
      onKnownGrid.close();
    }
  }

  @Test
  void aFixedDelayRepeatEndsWhenItsTaskFailsOrItsTargetHasTerminated() throws Exception {
    AtomicInteger failing = new AtomicInteger();
    AtomicInteger terminated = new AtomicInteger();
    scheduler.scheduleWithFixedDelay(millis(1), millis(10), () -> {
      failing.incrementAndGet();
      throw new IllegalArgumentException("a bug in the task");
    }, dispatcher);
    scheduler.scheduleWithFixedDelay(millis(1), millis(10), () -> {
      terminated.incrementAndGet();
      throw new org.apache.pekko.actor.SchedulerException("its actor has stopped");
    }, dispatcher);
    CountDownLatch tenIntervalsLater = new CountDownLatch(1);
    scheduler.scheduleOnce(millis(100), tenIntervalsLater::countDown, dispatcher);
    await(tenIntervalsLater);
    assertEquals(1, failing.get());
    assertEquals(1, terminated.get());
  }

  @Test
  void aRepeatFurtherOutThanPekkosReachIsRefusedAsPekkoRefusesIt() {
    FiniteDuration threeHundredDays = FiniteDuration.create(300, TimeUnit.DAYS);
    assertThrows(IllegalArgumentException.class, () -> scheduler.scheduleWithFixedDelay(threeHundredDays,
        millis(500), () -> { }, dispatcher));
    assertThrows(IllegalArgumentException.class, () -> scheduler.schedule(millis(1), threeHundredDays, () -> { },
        dispatcher));
  }

  @Test
  void aFixedDelayIsMeasuredFromTheEndOfTheRunBefore() throws Exception {
    List<long[]> runs = new CopyOnWriteArrayList<>();
    CountDownLatch threeRuns = new CountDownLatch(3);
    Cancellable repeat = scheduler.scheduleWithFixedDelay(millis(1), millis(20), () -> {
      long start = System.nanoTime();
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
      runs.add(new long[] {start, System.nanoTime()});
      threeRuns.countDown();
    }, dispatcher);
    await(threeRuns);
    repeat.cancel();
    for (int i = 1; i < 3; i++) {
      long gap = runs.get(i)[0] - runs.get(i - 1)[1];
      assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(20), "run " + i + " began " + gap + " ns after the one before ended");
    }
  }

  @Test
  void aRepeatWithoutIntervalIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> scheduler.schedule(millis(1), millis(0), () -> { }, dispatcher));
    assertThrows(IllegalArgumentException.class,
        () -> scheduler.scheduleWithFixedDelay(millis(1), millis(0), () -> { }, dispatcher));
  }

  @Test
  void closingRunsOnlyTheTasksThatAskedToRunOnCloseAndRefusesNewOnes() throws Exception {
    AtomicInteger onClose = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    scheduler.scheduleOnce(millis(60_000), (Scheduler.TaskRunOnClose) onClose::incrementAndGet, dispatcher);
    scheduler.scheduleOnce(millis(60_000), other::incrementAndGet, dispatcher);
    scheduler.close();
    assertEquals(1, onClose.get());
    assertEquals(0, other.get());
    assertThrows(IllegalStateException.class, () -> scheduler.scheduleOnce(millis(10), () -> { }, dispatcher));
    assertThrows(IllegalStateException.class, () -> scheduler.scheduleOnce(millis(0), () -> { }, dispatcher));
  }

  @Test
  void aNodesActorSystemRunsOnIt() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "deadline",
        ConfigFactory.parseResources(PekkoConfig.class, "/baton-pekko.conf")
            .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
            .withFallback(ConfigFactory.load()));
    try {
      assertTrue(Adapter.toClassic(system).scheduler() instanceof DeadlineScheduler);
      CountDownLatch ran = new CountDownLatch(1);
      system.scheduler().scheduleOnce(java.time.Duration.ofMillis(10), ran::countDown, system.executionContext());
      await(ran);
    } finally {
      system.terminate();
    }
  }
}
