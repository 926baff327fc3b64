package io.baton.node;

import io.baton.db.RunRecord;
import io.baton.db.RunRepository;
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
 * batch was written goes in the next one (one transaction). A dead database keeps everything
 * queued and retried with backoff; the loss and the return are each logged once.
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

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final RunRepository repository;
  private final Executor blocking;
  private final LeaseGuard guard;
  private final ArrayDeque<RunRecord> pending = new ArrayDeque<>();
  private final List<ActorRef<Flushed>> flushWaiters = new ArrayList<>();
  private boolean writing;
  private boolean one; // after a non-connection error: write one record at a time to find the bad one
  private Duration retryIn = FIRST_RETRY;
  private DatabaseOutage outage;

  public static Behavior<Command> create(RunRepository repository, LeaseGuard guard, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new Receiver(ctx, t, repository, guard, blocking).behavior()));
  }

  private Receiver(ActorContext<Command> context, TimerScheduler<Command> timers, RunRepository repository,
      LeaseGuard guard, Executor blocking) {
    this.guard = guard;
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
    if (guard.state() == LeaseGuard.State.STANDBY && pending.stream().anyMatch(r -> !(r instanceof RunRecord.Message))) {
      // deposed: the new leader owns these runs and rewrites them from their events
      context.getLog().warn("deposed: {} record(s) not written; the new leader records these runs", pending.size());
      pending.removeIf(r -> !(r instanceof RunRecord.Message));
    }
    if (guard.state() == LeaseGuard.State.FENCED) {
      timers.startSingleTimer(new Retry(), FIRST_RETRY); // lease unconfirmed: write once it is renewed
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
    context.pipeToSelf(CompletableFuture.runAsync(() -> repository.apply(batch), blocking),
        (ok, error) -> new BatchDone(batch.size(), error));
  }

  private Behavior<Command> onBatchDone(BatchDone done) {
    writing = false;
    if (done.error() == null) {
      for (int i = 0; i < done.size(); i++) {
        pending.poll();
      }
      outage.ended();
      one = false;
      retryIn = FIRST_RETRY;
      answerFlushWaiters();
      writeNext();
    } else if (DatabaseOutage.isConnectionProblem(done.error())) {
      outage.started(done.error(), pending.size());
      timers.startSingleTimer(new Retry(), retryIn);
      retryIn = retryIn.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retryIn.multipliedBy(2);
    } else if (done.size() > 1) {
      one = true; // a record the database rejects: find it by writing one at a time
      writeNext();
    } else {
      context.getLog().error("dropping a record the database rejects: {} ({})", pending.poll(),
          DatabaseOutage.rootMessage(done.error()));
      writeNext();
    }
    return Behaviors.same();
  }

  private void answerFlushWaiters() {
    if (pending.isEmpty() && !writing) {
      flushWaiters.forEach(w -> w.tell(new Flushed(0)));
      flushWaiters.clear();
    }
  }
}
