package io.baton.chain;

import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessRequest;
import java.time.Duration;
import java.time.Instant;
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
public final class DependencyActor implements ProcessWatch.Owner<DependencyActor.Command> {

  public sealed interface Command {}

  private record Check() implements Command {}

  private record Watched(ProcessWatch.Event event) implements Command {}

  /**
   * The run and dependency to poll; {@code repoll} is false when dep_ot is 0 (one check); the first
   * check starts no earlier than {@code notBefore} (the run's start instant); checks are numbered
   * from {@code firstCheck} (above those an earlier node of a resumed run may have made).
   */
  public record Assignment(long chainId, long runId, Instant scheduledTime, DependencyDefinition dependency, boolean repoll,
      Instant notBefore, int firstCheck) {}

  public enum Verdict { PASSED, NOT_PASSED, ERROR, REFUSED }

  /** How one check process ended, as written to job_run.status. */
  private enum CheckStatus { PASSED, NOT_PASSED, ERROR, TIMEOUT, INTERRUPTED, CANCELLED }

  private static final int EXIT_PASSED = 0;
  private static final int EXIT_NOT_YET = 1;
  private static final Duration NODE_DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(60);

  private final ChainContext node;
  private final TimerScheduler<Command> timers;
  private final ActorRef<JobchainActor.Command> chain;
  private final Assignment work;
  private final RunLog runLog;
  private final ProcessWatch<Command> watch;
  private int checks;
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
    this.timers = timers;
    this.chain = chain;
    this.work = work;
    this.checks = work.firstCheck() - 1;
    this.runLog = node.runLog();
    this.watch = new ProcessWatch<>(node, context, timers, Watched::new, this);
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Check.class, m -> check())
        .onMessage(Watched.class, m -> watch.on(m.event()))
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> check() {
    checks++;
    DependencyDefinition dep = work.dependency();
    ProcessRequest request = new ProcessRequest(ProcessKind.DEP, work.chainId(), work.runId(), dep.id(), null,
        checks, work.scheduledTime(), dep.env(), dep.command());
    return watch.start(request, checks == work.firstCheck() ? work.notBefore() : Instant.MIN, timeout());
  }

  @Override
  public void launched(ChainProcess process) {
    timedOut = false;
    recordStarted(checks, process);
  }

  @Override
  public Behavior<Command> launchFailed(String reason, boolean refused) {
    return verdict(refused ? Verdict.REFUSED : Verdict.ERROR, null, reason);
  }

  @Override
  public void timedOut() {
    timedOut = true;
    watch.stop();
  }

  @Override
  public Behavior<Command> exited(int exitCode, boolean killedForFence) {
    if (killedForFence) { // the node fenced itself: the check is asked again once it may act
      recordFinished(checks, exitCode, CheckStatus.INTERRUPTED);
      timers.startSingleTimer(new Check(), ProcessWatch.NOT_LEADING_RETRY);
      return Behaviors.same();
    }
    CheckStatus status = timedOut ? CheckStatus.TIMEOUT : exitCode == EXIT_PASSED ? CheckStatus.PASSED
        : exitCode == EXIT_NOT_YET ? CheckStatus.NOT_PASSED : CheckStatus.ERROR;
    recordFinished(checks, exitCode, status);
    switch (status) {
      case PASSED:
        return verdict(Verdict.PASSED, exitCode, "");
      case NOT_PASSED:
        if (work.repoll()) {
          timers.startSingleTimer(new Check(), node.settings().dependencyPollInterval());
          return Behaviors.same();
        }
        return watch.withOutputTail(tail -> verdict(Verdict.NOT_PASSED, exitCode, tail));
      case TIMEOUT:
        return watch.withOutputTail(tail -> verdict(Verdict.ERROR, exitCode,
            "ran past its ottime of " + timeout().toSeconds() + " s and was killed\n" + tail));
      default:
        return watch.withOutputTail(tail -> verdict(Verdict.ERROR, exitCode, tail));
    }
  }

  private Behavior<Command> verdict(Verdict verdict, Integer exitCode, String detail) {
    chain.tell(new JobchainActor.DependencyChecked(work.runId(), work.dependency().id(), verdict, exitCode, detail));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    // The run ended (timeout, error elsewhere, shutdown): no check outlives it, and each is recorded.
    int check = checks;
    watch.abandon(new ProcessWatch.Abandoned() {
      @Override
      public void started(ChainProcess process) {
        recordStarted(check, process);
      }

      @Override
      public void ended(int exitCode) {
        recordFinished(check, exitCode, CheckStatus.CANCELLED);
      }
    });
    return Behaviors.same();
  }

  private void recordStarted(int check, ChainProcess process) {
    runLog.processStarted(work.runId(), work.chainId(), ProcessKind.DEP, work.dependency().id(), null, check,
        process.startTime(), process.pid(), process.logPath().toString());
  }

  private void recordFinished(int check, int exitCode, CheckStatus status) {
    runLog.processFinished(work.runId(), ProcessKind.DEP, work.dependency().id(), check, node.clock().instant(),
        exitCode, status.name());
  }

  private Duration timeout() {
    int seconds = work.dependency().ottimeSeconds();
    return seconds > 0 ? Duration.ofSeconds(seconds) : NODE_DEFAULT_CHECK_TIMEOUT;
  }
}
