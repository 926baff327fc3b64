package io.baton.node;

import io.baton.db.RunRecord;
import io.baton.db.RunRepository;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Writes run outcomes to the database in arrival order: whatever accumulated while the previous
 * batch was written goes in the next one (one transaction). Every record is a fact of a run that
 * happened, so none is given up on a database error: a lost connection, a connection moving to the
 * backup host, a read-only server, a lock wait or a statement timeout keep everything queued and
 * retried with backoff (the outage is logged once when it starts and once when it ends). A deposed
 * node writes what it still holds too: the records are idempotent, and the new leader's own writes
 * of the same runs agree with them.
 *
 * <p>Only a record that the database rejects for its content (SQLSTATE class 22, data, or 23,
 * integrity) can never succeed; it is found by writing one record at a time, tried {@value
 * #REJECTED_ATTEMPTS} times, then logged in full as an error and set aside, so one bad value
 * cannot hold back every later outcome.
 */
public final class Receiver {

  public sealed interface Command {}

  public record Write(RunRecord record) implements Command {}

  /** Replies once every record received so far is written. */
  public record Flush(ActorRef<Flushed> replyTo) implements Command {}

  public record Flushed(int pending) {}

  private record BatchDone(int size, Throwable error) implements Command {}

  private record Retry() implements Command {}

  private static final int MAX_BATCH = 500;
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LAST_RETRY = Duration.ofSeconds(5);
  static final int REJECTED_ATTEMPTS = 5;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final RunRepository repository;
  private final Executor blocking;
  private final ArrayDeque<RunRecord> pending = new ArrayDeque<>();
  private final List<ActorRef<Flushed>> flushWaiters = new ArrayList<>();
  private boolean writing;
  private boolean one; // after a rejection: write one record at a time to find the bad one
  private int rejections; // of the record at the head of the queue, written alone
  private Duration retryIn = FIRST_RETRY;
  private DatabaseOutage outage;
  private final NodeMetrics metrics;
  private long batchStarted; // System.nanoTime() of the batch being written

  public static Behavior<Command> create(RunRepository repository, Executor blocking, NodeMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new Receiver(ctx, t, repository, blocking, metrics)
        .behavior()));
  }

  private Receiver(ActorContext<Command> context, TimerScheduler<Command> timers, RunRepository repository,
      Executor blocking, NodeMetrics metrics) {
    this.metrics = metrics;
    this.context = context;
    this.timers = timers;
    this.repository = repository;
    this.blocking = blocking;
    this.outage = new DatabaseOutage(context.getLog(), "recording run outcomes");
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Write.class, m -> {
          pending.add(m.record());
          metrics.outcomesWaiting(pending.size());
          writeNext();
          return Behaviors.same();
        })
        .onMessage(Flush.class, m -> {
          flushWaiters.add(m.replyTo());
          answerFlushWaiters();
          return Behaviors.same();
        })
        .onMessage(BatchDone.class, this::onBatchDone)
        .onMessage(Retry.class, m -> {
          writeNext();
          return Behaviors.same();
        })
        .build();
  }

  private void writeNext() {
    if (writing || pending.isEmpty() || timers.isTimerActive(Retry.class)) {
      return;
    }
    List<RunRecord> batch = new ArrayList<>();
    for (RunRecord r : pending) {
      if (batch.size() == (one ? 1 : MAX_BATCH)) {
        break;
      }
      batch.add(r);
    }
    writing = true;
    batchStarted = System.nanoTime();
    context.pipeToSelf(CompletableFuture.runAsync(() -> repository.apply(batch), blocking),
        (ok, error) -> new BatchDone(batch.size(), error));
  }

  private Behavior<Command> onBatchDone(BatchDone done) {
    writing = false;
    if (done.error() == null) {
      for (int i = 0; i < done.size(); i++) {
        pending.poll();
      }
      metrics.outcomesWritten(Duration.ofNanos(System.nanoTime() - batchStarted), pending.size());
      outage.ended();
      one = false;
      rejections = 0;
      retryIn = FIRST_RETRY;
      answerFlushWaiters();
      writeNext();
    } else if (!rejectsContent(done.error())) {
      outage.started(done.error(), pending.size());
      retryLater();
    } else if (done.size() > 1) {
      one = true; // a record the database rejects: find it by writing one at a time
      writeNext();
    } else if (++rejections < REJECTED_ATTEMPTS) {
      context.getLog().warn("the database rejects a record ({}); trying it again: {}",
          DatabaseOutage.rootMessage(done.error()), pending.peek());
      retryLater();
    } else {
      context.getLog().error("the database rejected a record {} times ({}); it is set aside, not written: {}",
          rejections, DatabaseOutage.rootMessage(done.error()), pending.poll());
      rejections = 0;
      writeNext();
    }
    return Behaviors.same();
  }

  private void retryLater() {
    timers.startSingleTimer(new Retry(), retryIn);
    retryIn = retryIn.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retryIn.multipliedBy(2);
  }

  /**
   * True only for errors about the record's own values (SQLSTATE 22xxx, 23xxx), which no retry
   * cures. Everything else (lost or moving connections, read-only server 1290, lock wait 1205,
   * statement timeouts, deadlocks) passes with time.
   */
  static boolean rejectsContent(Throwable error) {
    if (DatabaseOutage.isConnectionProblem(error)) {
      return false;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("22") || state.startsWith("23");
      }
    }
    return false;
  }

  private void answerFlushWaiters() {
    if (pending.isEmpty() && !writing) {
      flushWaiters.forEach(w -> w.tell(new Flushed(0)));
      flushWaiters.clear();
    }
  }
}
