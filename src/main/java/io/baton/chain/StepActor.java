package io.baton.chain;

import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessRequest;
import io.baton.exec.Timeouts;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/** Runs one job process of a step level, enforces its timeout and reports how it ended. */
public final class StepActor implements ProcessWatch.Owner<StepActor.Command> {

  public sealed interface Command {}

  /** Shutdown: stop the process now; it is reported INTERRUPTED. */
  public record Interrupt() implements Command {}

  /** The run was cancelled: stop the process tree now; it is reported CANCELLED. */
  public record Cancel() implements Command {}

  private record Start() implements Command {}

  private record Watched(ProcessWatch.Event event) implements Command {}

  /** Where the job runs: its chain, run and attempt; the process starts no earlier than {@code notBefore}. */
  public record Assignment(long chainId, long runId, Instant scheduledTime, JobDefinition job, int attempt,
      Instant notBefore) {}

  private final ChainContext node;
  private final ActorContext<Command> context;
  private final ActorRef<JobchainActor.Command> chain;
  private final Assignment work;
  private final ProcessRequest request;
  private final ProcessWatch<Command> watch;
  private JobStatus stopReason;

  public static Behavior<Command> create(
      ChainContext node, ActorRef<JobchainActor.Command> chain, Assignment work) {
    return Behaviors.withMdc(Command.class, LogIds.of(work.chainId(), work.runId()),
        Behaviors.setup(ctx -> Behaviors.withTimers(t -> new StepActor(node, ctx, chain, work, t).behavior())));
  }

  private StepActor(ChainContext node, ActorContext<Command> context, ActorRef<JobchainActor.Command> chain,
      Assignment work, TimerScheduler<Command> timers) {
    this.node = node;
    this.context = context;
    this.chain = chain;
    this.work = work;
    JobDefinition job = work.job();
    this.request = new ProcessRequest(ProcessKind.JOB, work.chainId(), work.runId(), job.id(), job.stepLevel(),
        work.attempt(), work.scheduledTime(), job.env(), job.command());
    this.watch = new ProcessWatch<>(node, context, timers, Watched::new, this);
  }

  private Behavior<Command> behavior() {
    // started through the mailbox: an Interrupt or Cancel sent before this actor ran comes first
    context.getSelf().tell(new Start());
    return Behaviors.receive(Command.class)
        .onMessage(Start.class, m -> watch.start(request, work.notBefore(), timeout()))
        .onMessage(Watched.class, m -> watch.on(m.event()))
        .onMessage(Interrupt.class, m -> stop(JobStatus.INTERRUPTED))
        .onMessage(Cancel.class, m -> stop(JobStatus.CANCELLED))
        .onSignal(PostStop.class, s -> {
          watch.abandon(ProcessWatch.Abandoned.NOTHING); // never leave a process behind an actor
          return Behaviors.same();
        })
        .build();
  }

  @Override
  public void launched(ChainProcess process) {
    chain.tell(new JobchainActor.JobLaunched(work.runId(), work.job().id(), work.job().stepLevel(),
        work.attempt(), process.pid(), process.startTime(), process.logPath().toString()));
  }

  @Override
  public Behavior<Command> launchFailed(String reason, boolean refused) {
    // a refusal names the job already
    return report(null, refused ? JobStatus.REFUSED : JobStatus.FAILED,
        refused ? reason : request.label() + ": " + reason);
  }

  @Override
  public void timedOut() {
    stop(JobStatus.TIMEOUT);
  }

  @Override
  public Behavior<Command> stoppedBeforeStart() {
    return report(null, stopReason, "stopped before it started");
  }

  @Override
  public Behavior<Command> exited(int exitCode, boolean killedForFence) {
    // killed because the node fenced itself: the job did not fail, it was interrupted (and is re-run)
    JobStatus status = stopReason != null ? stopReason : killedForFence ? JobStatus.INTERRUPTED
        : exitCode == 0 ? JobStatus.SUCCESS : JobStatus.FAILED;
    if (status == JobStatus.SUCCESS) {
      return report(exitCode, status, "");
    }
    return watch.withOutputTail(tail -> report(exitCode, status, tail));
  }

  private Behavior<Command> stop(JobStatus reason) {
    if (stopReason == null) {
      stopReason = reason;
      if (watch.stop()) {
        context.getLog().info("job {} of chain {} run {}: stopping its process tree ({})",
            work.job().id(), work.chainId(), work.runId(), reason);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> report(Integer exitCode, JobStatus status, String detail) {
    chain.tell(new JobchainActor.JobExited(work.runId(), work.job().id(), work.attempt(), exitCode, status, detail));
    return Behaviors.stopped();
  }

  private Duration timeout() {
    try {
      return Timeouts.parse(work.job().ottime(), node.settings().exec().defaultTimeout());
    } catch (IllegalArgumentException e) {
      return node.settings().exec().defaultTimeout(); // the catalog holds chains whose ottime does not parse
    }
  }
}
