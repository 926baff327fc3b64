package io.baton.chain;

import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Polls one dependency check of a run: exit 0 passes, exit 1 means "not yet" and is asked again
 * after the poll interval, anything else (or running past its ottime) is an error. One check
 * process at a time; each check is one job_run row (kind DEP, attempt = check number).
 */
public final class DependencyActor {

  public sealed interface Command {}

  private record Check() implements Command {}

  private record Launched(ChainProcess process) implements Command {}

  private record LaunchFailed(String reason, boolean refused, boolean notNow) implements Command {}

  private record Exited(int exitCode) implements Command {}

  private record TimedOut() implements Command {}

  /**
   * The run and dependency to poll; {@code repoll} is false when dep_ot is 0 (one check); the first
   * check starts no earlier than {@code notBefore} (the run's start instant).
   */
  public record Assignment(long chainId, long runId, Instant scheduledTime, DependencyDefinition dependency, boolean repoll,
      Instant notBefore) {}

  public enum Verdict { PASSED, NOT_PASSED, ERROR, REFUSED }

  private static final Duration NODE_DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(60);

  private final ChainContext node;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<JobchainActor.Command> chain;
  private final Assignment work;
  private final RunLog runLog;
  private int checks;
  /** The check being started, until its Launched or LaunchFailed arrives. */
  private CompletableFuture<ChainProcess> launching;
  private ChainProcess process;
  private boolean timedOut;

  public static Behavior<Command> create(ChainContext node, ActorRef<JobchainActor.Command> chain, Assignment work) {
    return Behaviors.withMdc(Command.class, LogIds.of(work.chainId(), work.runId()),
        Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
      ctx.getSelf().tell(new Check());
      return new DependencyActor(node, ctx, t, chain, work).behavior();
    })));
  }

  private DependencyActor(ChainContext node, ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<JobchainActor.Command> chain, Assignment work) {
    this.node = node;
    this.context = context;
    this.timers = timers;
    this.chain = chain;
    this.work = work;
    this.runLog = node.runLog();
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Check.class, m -> check())
        .onMessage(Launched.class, this::onLaunched)
        .onMessage(LaunchFailed.class, this::onLaunchFailed)
        .onMessage(TimedOut.class, m -> onTimedOut())
        .onMessage(Exited.class, this::onExited)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> check() {
    if (!node.guard().leading()) {
      timers.startSingleTimer(new Check(), StepActor.Launch.NOT_LEADING_RETRY); // fenced: ask once renewed
      return Behaviors.same();
    }
    checks++;
    DependencyDefinition dep = work.dependency();
    ProcessRequest request = new ProcessRequest(ProcessKind.DEP, work.chainId(), work.runId(), dep.id(), null,
        checks, work.scheduledTime(), dep.env(), dep.command());
    Instant notBefore = checks == 1 ? work.notBefore() : Instant.MIN;
    launching = CompletableFuture.supplyAsync(() -> StepActor.Launch.start(node, request, notBefore), node.blocking());
    context.pipeToSelf(launching,
        (started, error) -> started != null ? new Launched(started) : StepActor.Launch.failure(error, LaunchFailed::new));
    return Behaviors.same();
  }

  private Behavior<Command> onLaunchFailed(LaunchFailed m) {
    launching = null;
    if (m.notNow() || !node.guard().leading()) {
      checks--;
      timers.startSingleTimer(new Check(), StepActor.Launch.NOT_LEADING_RETRY);
      return Behaviors.same();
    }
    return verdict(m.refused() ? Verdict.REFUSED : Verdict.ERROR, null, m.reason());
  }

  private Behavior<Command> onLaunched(Launched m) {
    launching = null;
    process = m.process();
    timedOut = false;
    runLog.processStarted(work.runId(), work.chainId(), ProcessKind.DEP, work.dependency().id(), null, checks,
        process.startTime(), process.pid(), process.logPath().toString());
    int seconds = work.dependency().ottimeSeconds();
    timers.startSingleTimer(new TimedOut(), seconds > 0 ? Duration.ofSeconds(seconds) : NODE_DEFAULT_CHECK_TIMEOUT);
    context.pipeToSelf(process.onExit(), (code, error) -> new Exited(code != null ? code : -1));
    return Behaviors.same();
  }

  private Behavior<Command> onTimedOut() {
    if (process != null && !timedOut) {
      timedOut = true;
      process.stop(node.settings().exec().killGrace());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onExited(Exited m) {
    timers.cancel(TimedOut.class);
    if (process.killedForFence()) { // the node fenced itself: the check is asked again once it may act
      runLog.processFinished(work.runId(), ProcessKind.DEP, work.dependency().id(), checks, node.clock().instant(),
          m.exitCode(), "INTERRUPTED");
      process = null;
      timers.startSingleTimer(new Check(), StepActor.Launch.NOT_LEADING_RETRY);
      return Behaviors.same();
    }
    String status = timedOut ? "TIMEOUT" : m.exitCode() == 0 ? "PASSED" : m.exitCode() == 1 ? "NOT_PASSED" : "ERROR";
    runLog.processFinished(work.runId(), ProcessKind.DEP, work.dependency().id(), checks,
        node.clock().instant(), m.exitCode(), status);
    ChainProcess ended = process;
    process = null;
    if (timedOut) {
      return verdict(Verdict.ERROR, m.exitCode(), "ran past its ottime of "
          + (work.dependency().ottimeSeconds() > 0 ? work.dependency().ottimeSeconds() : 60) + " s and was killed\n"
          + ended.outputTail(3000));
    }
    if (m.exitCode() == 0) {
      return verdict(Verdict.PASSED, 0, "");
    }
    if (m.exitCode() == 1) {
      if (!work.repoll()) {
        return verdict(Verdict.NOT_PASSED, 1, ended.outputTail(3000));
      }
      timers.startSingleTimer(new Check(), node.settings().dependencyPollInterval());
      return Behaviors.same();
    }
    return verdict(Verdict.ERROR, m.exitCode(), ended.outputTail(3000));
  }

  private Behavior<Command> verdict(Verdict verdict, Integer exitCode, String detail) {
    chain.tell(new JobchainActor.DependencyChecked(work.runId(), work.dependency().id(), verdict, exitCode, detail));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    int check = checks;
    if (process != null) {
      // The run ended (timeout, error elsewhere, shutdown): no check outlives it.
      cancel(process, check);
    } else if (launching != null) {
      // Stopped while its check was being started: the process appears after the actor is gone,
      // and its Launched message would find no one. Stopped (and recorded) as soon as it runs.
      launching.thenAccept(started -> {
        runLog.processStarted(work.runId(), work.chainId(), ProcessKind.DEP, work.dependency().id(), null, check,
            started.startTime(), started.pid(), started.logPath().toString());
        cancel(started, check);
      });
    }
    return Behaviors.same();
  }

  private void cancel(ChainProcess check, int number) {
    check.stop(node.settings().exec().killGrace());
    check.onExit().thenAccept(code -> runLog.processFinished(work.runId(), ProcessKind.DEP,
        work.dependency().id(), number, node.clock().instant(), code, "CANCELLED"));
  }
}
