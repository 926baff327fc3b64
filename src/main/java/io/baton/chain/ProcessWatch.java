package io.baton.chain;

import io.baton.exec.LaunchRefusedException;
import io.baton.exec.ProcessLauncher;
import io.baton.exec.ProcessRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The process of a chain actor, one at a time, from its start to its exit: started on the blocking
 * pool (and asked again a little later while this node may not start processes), stopped at its
 * timeout or when asked, stopped when the actor stops even while it is still being started. Every
 * call that may block (spawning, signalling a tree, reading the log) runs on the blocking pool and
 * answers by message: the actor's thread only decides.
 *
 * <p>The actor wraps each {@link Event} in a command of its own and hands it back to {@link #on}.
 */
final class ProcessWatch<C> {
  /** While this node may not start processes (fenced, lease not yet renewed): how soon to ask again. */
  static final Duration NOT_LEADING_RETRY = Duration.ofSeconds(1);

  /** How much of a failed process's output its message quotes. */
  static final int OUTPUT_TAIL_CHARS = 3000;

  /** What the watch tells itself through its actor's mailbox. */
  sealed interface Event {}

  private record Retry() implements Event {}

  private record Launched(ChainProcess process) implements Event {}

  private record LaunchFailed(Throwable error) implements Event {}

  private record TimedOut() implements Event {}

  private record Exited(int exitCode) implements Event {}

  private record TailRead(String tail) implements Event {}

  /** A blocking call made for the actor failed: the actor fails, as if it had made the call itself. */
  private record CallFailed(Throwable error) implements Event {}

  /** What the actor decides. Each is called on the actor's thread. */
  interface Owner<C> {
    /** The process runs (if a stop was asked while it started, it is stopped right after this). */
    void launched(ChainProcess process);

    /**
     * It could not start; {@code refused}: a request that must never run, whose reason names it. A
     * start refused only for now is asked again instead.
     */
    Behavior<C> launchFailed(String reason, boolean refused);

    /** It ran past its timeout. */
    void timedOut();

    /** It ended: {@code killedForFence} when killed because the node fenced itself. */
    Behavior<C> exited(int exitCode, boolean killedForFence);

    /** A stop was asked before its process could start: none will. */
    default Behavior<C> stoppedBeforeStart() {
      return Behaviors.stopped();
    }
  }

  /** Told, off the actor's thread, of the process of an actor that stopped. */
  interface Abandoned {
    Abandoned NOTHING = new Abandoned() {};

    /** It was being started when the actor stopped: it exists now, and is stopped next. */
    default void started(ChainProcess process) {}

    /** It ended after being stopped. */
    default void ended(int exitCode) {}
  }

  private final ChainContext node;
  private final ActorContext<C> context;
  private final TimerScheduler<C> timers;
  private final Function<Event, C> wrap;
  private final Owner<C> owner;
  private ProcessRequest request;
  private Instant notBefore;
  private Duration timeout;
  /** The process being started, until its Launched or LaunchFailed arrives. */
  private CompletableFuture<ChainProcess> launching;
  private ChainProcess running;
  /** The process that exited last: its output may still be read. */
  private ChainProcess exited;
  private boolean stopping;
  private Function<String, Behavior<C>> afterTail;

  ProcessWatch(ChainContext node, ActorContext<C> context, TimerScheduler<C> timers, Function<Event, C> wrap,
      Owner<C> owner) {
    this.node = node;
    this.context = context;
    this.timers = timers;
    this.wrap = wrap;
    this.owner = owner;
  }

  /** Starts the process of {@code request} no earlier than {@code notBefore}; it is stopped after {@code timeout}. */
  Behavior<C> start(ProcessRequest request, Instant notBefore, Duration timeout) {
    this.request = request;
    this.notBefore = notBefore;
    this.timeout = timeout;
    return launch();
  }

  /** Hands back an event the actor received. */
  Behavior<C> on(Event event) {
    if (event instanceof Launched m) {
      return onLaunched(m.process());
    } else if (event instanceof LaunchFailed m) {
      return onLaunchFailed(m.error());
    } else if (event instanceof Exited m) {
      return onExited(m.exitCode());
    } else if (event instanceof TailRead m) {
      return afterTail.apply(m.tail());
    } else if (event instanceof TimedOut) {
      return onTimedOut();
    } else if (event instanceof CallFailed m) {
      throw new IllegalStateException("a process call on the blocking pool failed", m.error());
    }
    return launch(); // the one left: Retry
  }

  /**
   * Stops the process: now, as soon as it is started, or keeps it from starting. True when a running
   * process is being stopped now.
   */
  boolean stop() {
    if (stopping) {
      return false;
    }
    stopping = true;
    if (running != null) {
      stopOffThread(running);
      return true;
    }
    return false;
  }

  /** Reads the end of the exited process's output off the actor's thread, then goes on with it. */
  Behavior<C> withOutputTail(Function<String, Behavior<C>> then) {
    ChainProcess ended = exited;
    afterTail = then;
    context.pipeToSelf(onPool(() -> ended.outputTail(OUTPUT_TAIL_CHARS)),
        (tail, error) -> wrap.apply(error == null ? new TailRead(tail) : new CallFailed(error)));
    return Behaviors.same();
  }

  /** The actor stopped (PostStop): no process outlives it, not even one still being started. */
  void abandon(Abandoned whenGone) {
    Duration grace = node.settings().exec().killGrace();
    if (running != null) {
      ChainProcess process = running;
      runOnPool(() -> process.stop(grace));
      process.onExit().thenAccept(whenGone::ended);
    } else if (launching != null) {
      // Its Launched message will find no one: it is stopped as soon as it exists.
      launching.thenAccept(started -> runOnPool(() -> {
        whenGone.started(started);
        started.stop(grace);
        started.onExit().thenAccept(whenGone::ended);
      }));
    }
  }

  private Behavior<C> launch() {
    if (stopping) {
      return owner.stoppedBeforeStart();
    }
    if (!node.guard().leading()) {
      // fenced: started once the lease is renewed
      timers.startSingleTimer(Retry.class, wrap.apply(new Retry()), NOT_LEADING_RETRY);
      return Behaviors.same();
    }
    ProcessRequest asked = request;
    Instant from = notBefore;
    launching = CompletableFuture.supplyAsync(() -> startNow(asked, from), node.blocking());
    context.pipeToSelf(launching,
        (started, error) -> wrap.apply(started != null ? new Launched(started) : new LaunchFailed(error)));
    return Behaviors.same();
  }

  /** On the blocking pool: starts the process unless this node lost the right to (asked last, before the spawn). */
  private ChainProcess startNow(ProcessRequest asked, Instant from) {
    if (!node.guard().leading()) {
      throw new CompletionException(new ProcessLauncher.NotNowException("this node is not leading now"));
    }
    try {
      Instant now = node.clock().instant();
      long notBeforeNanos = System.nanoTime() + (from.isAfter(now) ? Duration.between(now, from).toNanos() : 0);
      // leadership is asked again after the wait for the instant, just before the process is created
      return node.processes().start(asked, notBeforeNanos, node.guard()::leading);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private Behavior<C> onLaunched(ChainProcess process) {
    launching = null;
    running = process;
    owner.launched(process);
    if (stopping) { // asked to stop while it was being started
      stopOffThread(process);
    } else {
      timers.startSingleTimer(TimedOut.class, wrap.apply(new TimedOut()), timeout);
    }
    context.pipeToSelf(process.onExit(), (code, error) -> wrap.apply(new Exited(code != null ? code : -1)));
    return Behaviors.same();
  }

  private Behavior<C> onLaunchFailed(Throwable error) {
    launching = null;
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ProcessLauncher.NotNowException || !node.guard().leading()) {
      timers.startSingleTimer(Retry.class, wrap.apply(new Retry()), NOT_LEADING_RETRY);
      return Behaviors.same();
    }
    boolean refused = cause instanceof LaunchRefusedException;
    return owner.launchFailed(refused ? cause.getMessage() : "could not start the process: " + cause, refused);
  }

  private Behavior<C> onTimedOut() {
    if (running != null) {
      owner.timedOut();
    }
    return Behaviors.same();
  }

  private Behavior<C> onExited(int exitCode) {
    timers.cancel(TimedOut.class);
    exited = running;
    running = null;
    stopping = false; // the stop was for this process; the next one starts afresh
    return owner.exited(exitCode, exited.killedForFence());
  }

  /** SIGTERM to the tree now, SIGKILL after the grace: signals and /proc walks block, so not here. */
  private void stopOffThread(ChainProcess process) {
    Duration grace = node.settings().exec().killGrace();
    ActorRef<C> self = context.getSelf();
    runOnPool(() -> process.stop(grace)).whenComplete((done, error) -> {
      if (error != null) {
        self.tell(wrap.apply(new CallFailed(error)));
      }
    });
  }

  /**
   * Runs {@code call} on the blocking pool. A pool that refuses it is closing with its node: then
   * here, so a process is still stopped and its end still reported.
   */
  private <T> CompletableFuture<T> onPool(Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, node.blocking());
    } catch (RejectedExecutionException closing) {
      return CompletableFuture.completedFuture(call.get());
    }
  }

  private CompletableFuture<Void> runOnPool(Runnable call) {
    return onPool(() -> {
      call.run();
      return null;
    });
  }
}
