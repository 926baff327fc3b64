package io.baton.chain;

import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessLauncher;
import io.baton.exec.ProcessRequest;
import io.baton.exec.Timeouts;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/** Runs one job process of a step level, enforces its timeout and reports how it ended. */
public final class StepActor {

  public sealed interface Command {}

  /** Shutdown: stop the process now; it is reported INTERRUPTED. */
  public record Interrupt() implements Command {}

  /** The run was cancelled: stop the process tree now; it is reported CANCELLED. */
  public record Cancel() implements Command {}

  private record Start() implements Command {}

  private record Launched(ChainProcess process) implements Command {}

  /** {@code notNow}: refused because this node may not start processes now; asked again later. */
  private record LaunchFailed(String reason, boolean refused, boolean notNow) implements Command {}

  private record Exited(int exitCode) implements Command {}

  private record TimedOut() implements Command {}

  /** Where the job runs: its chain, run and attempt; the process starts no earlier than {@code notBefore}. */
  public record Assignment(long chainId, long runId, Instant scheduledTime, JobDefinition job, int attempt,
      Instant notBefore) {}

  private final ChainContext node;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<JobchainActor.Command> chain;
  private final Assignment work;
  /** The job's process being started, until its Launched or LaunchFailed arrives. */
  private CompletableFuture<ChainProcess> launching;
  private ChainProcess process;
  private JobStatus stopReason;

  public static Behavior<Command> create(
      ChainContext node, ActorRef<JobchainActor.Command> chain, Assignment work) {
    return Behaviors.withMdc(Command.class, LogIds.of(work.chainId(), work.runId()),
        Behaviors.setup(ctx -> Behaviors.withTimers(t -> new StepActor(node, ctx, t, chain, work).launch())));
  }

  private StepActor(ChainContext node, ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<JobchainActor.Command> chain, Assignment work) {
    this.node = node;
    this.context = context;
    this.timers = timers;
    this.chain = chain;
    this.work = work;
  }

  private Behavior<Command> launch() {
    context.getSelf().tell(new Start());
    return Behaviors.receive(Command.class)
        .onMessage(Start.class, m -> start())
        .onMessage(Launched.class, this::onLaunched)
        .onMessage(LaunchFailed.class, this::onLaunchFailed)
        .onMessage(Exited.class, this::onExited)
        .onMessage(TimedOut.class, m -> stop(JobStatus.TIMEOUT))
        .onMessage(Interrupt.class, m -> stop(JobStatus.INTERRUPTED))
        .onMessage(Cancel.class, m -> stop(JobStatus.CANCELLED))
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> start() {
    if (stopReason != null) {
      return reportEnd(null, stopReason, "stopped before it started");
    }
    if (!node.guard().leading()) {
      timers.startSingleTimer(new Start(), Launch.NOT_LEADING_RETRY); // fenced: start it once the lease is renewed
      return Behaviors.same();
    }
    JobDefinition job = work.job();
    ProcessRequest request = new ProcessRequest(ProcessKind.JOB, work.chainId(), work.runId(), job.id(),
        job.stepLevel(), work.attempt(), work.scheduledTime(), job.env(), job.command());
    launching = CompletableFuture.supplyAsync(() -> Launch.start(node, request, work.notBefore()), node.blocking());
    context.pipeToSelf(launching,
        (started, error) -> started != null ? new Launched(started) : Launch.failure(error, LaunchFailed::new));
    return Behaviors.same();
  }

  private Behavior<Command> onLaunched(Launched m) {
    launching = null;
    process = m.process();
    chain.tell(new JobchainActor.JobLaunched(work.runId(), work.job().id(), work.job().stepLevel(),
        work.attempt(), process.pid(), process.startTime(), process.logPath().toString()));
    if (stopReason != null) { // interrupted or cancelled while it was being started
      process.stop(node.settings().exec().killGrace());
    } else {
      timers.startSingleTimer(new TimedOut(), timeout());
    }
    context.pipeToSelf(process.onExit(), (code, error) -> new Exited(code != null ? code : -1));
    return Behaviors.same();
  }

  private Behavior<Command> onLaunchFailed(LaunchFailed m) {
    launching = null;
    if (m.notNow() || !node.guard().leading()) {
      timers.startSingleTimer(new Start(), Launch.NOT_LEADING_RETRY);
      return Behaviors.same();
    }
    // a refusal names the job already
    String detail = m.refused() ? m.reason() : "job " + work.job().id() + " of chain " + work.chainId() + ": " + m.reason();
    chain.tell(new JobchainActor.JobExited(work.runId(), work.job().id(), work.attempt(), null,
        m.refused() ? JobStatus.REFUSED : JobStatus.FAILED, detail));
    return Behaviors.stopped();
  }

  private Behavior<Command> stop(JobStatus reason) {
    if (stopReason == null) {
      stopReason = reason;
      if (process != null) {
        context.getLog().info("job {} of chain {} run {}: stopping its process tree ({})",
            work.job().id(), work.chainId(), work.runId(), reason);
        process.stop(node.settings().exec().killGrace());
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onExited(Exited m) {
    // killed because the node fenced itself: the job did not fail, it was interrupted (and is re-run)
    JobStatus status = stopReason != null ? stopReason : process.killedForFence() ? JobStatus.INTERRUPTED
        : m.exitCode() == 0 ? JobStatus.SUCCESS : JobStatus.FAILED;
    String detail = status == JobStatus.SUCCESS ? "" : process.outputTail(3000);
    chain.tell(new JobchainActor.JobExited(work.runId(), work.job().id(), work.attempt(), m.exitCode(), status, detail));
    process = null;
    return Behaviors.stopped();
  }

  private Behavior<Command> reportEnd(Integer exitCode, JobStatus status, String detail) {
    chain.tell(new JobchainActor.JobExited(work.runId(), work.job().id(), work.attempt(), exitCode, status, detail));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    Duration grace = node.settings().exec().killGrace();
    if (process != null) {
      process.stop(grace); // never leave a process behind an actor
    } else if (launching != null) {
      // Stopped while the process was being started (or waited for its instant): it is stopped as
      // soon as it exists, as its Launched message will find no one.
      launching.thenAccept(started -> started.stop(grace));
    }
    return Behaviors.same();
  }

  private Duration timeout() {
    try {
      return Timeouts.parse(work.job().ottime(), node.settings().exec().defaultTimeout());
    } catch (IllegalArgumentException e) {
      return node.settings().exec().defaultTimeout(); // the catalog holds chains whose ottime does not parse
    }
  }

  /** Starting a process from a future: checked failures become a readable reason. */
  static final class Launch {
    static final Duration NOT_LEADING_RETRY = Duration.ofSeconds(1);

    private Launch() {}

    /** Starts the process unless this node lost the right to (checked last, just before the spawn). */
    static ChainProcess start(ChainContext node, ProcessRequest request) {
      return start(node, request, Instant.MIN);
    }

    static ChainProcess start(ChainContext node, ProcessRequest request, Instant notBefore) {
      if (!node.guard().leading()) {
        throw new CompletionException(new ProcessLauncher.NotNowException("this node is not leading now"));
      }
      try {
        Instant now = node.clock().instant();
        long notBeforeNanos = System.nanoTime() + (notBefore.isAfter(now) ? Duration.between(now, notBefore).toNanos() : 0);
        // leadership is asked again after the wait for the instant, just before the process is created
        return node.processes().start(request, notBeforeNanos, node.guard()::leading);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }

    /** How a failed start is told to the actor that asked for it. */
    interface Failed<T> {
      T of(String reason, boolean refused, boolean notNow);
    }

    static <T> T failure(Throwable error, Failed<T> make) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      boolean refused = cause instanceof io.baton.exec.LaunchRefusedException;
      String reason = refused ? cause.getMessage() : "could not start the process: " + cause;
      return make.of(reason, refused, cause instanceof ProcessLauncher.NotNowException);
    }
  }
}
