package io.baton.chain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baton.JsonSerializable;
import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainEvent.CommandCarriedOut;
import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.FiresMissed;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.LevelStarted;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunCancelled;
import io.baton.chain.ChainEvent.RunWithdrawn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;

/**
 * Everything a chain must remember across restarts: the last fire it handled (run or skipped),
 * so no fire is handled twice, the run in progress, if any, and how the last run ended (written
 * again after a restart, in case the node died before the database learnt it).
 */
public record ChainState(Instant lastFire, ActiveRun active, EndedRun lastRun,
    List<CommandCarriedOut> recentCommands) implements JsonSerializable {

  /** Commands remembered, so one handed over again is answered, not repeated. */
  private static final int COMMANDS_KEPT = 32;

  public ChainState {
    recentCommands = recentCommands == null ? List.of() : List.copyOf(recentCommands);
  }

  /**
   * The last run that ended, as chain_run must show it, with the fires its messages named: those a
   * catch-up run stood for and those skipped while it ran (absent from rows written before they were kept).
   */
  public record EndedRun(long runId, Trigger trigger, Instant scheduledTime, Instant startTime,
      Instant dependenciesPassedAt, Instant endTime, RunStatus status, Long epoch, String node, Long rerunOf,
      @JsonInclude(JsonInclude.Include.NON_NULL) Misfires caughtUp,
      @JsonInclude(JsonInclude.Include.NON_NULL) SkippedFires skipped) {}

  /** The command with this id, if this chain carried it out recently. */
  public Optional<CommandCarriedOut> carriedOut(long commandId) {
    return recentCommands.stream().filter(c -> c.commandId() == commandId).findFirst();
  }

  public static ChainState empty() {
    return new ChainState(null, null, null, List.of());
  }

  public boolean running() {
    return active != null;
  }

  /** How each event changes a chain's state: the chain actor's event handler, one method per event. */
  static final EventHandler<ChainState, ChainEvent> EVENTS = EventHandlerBuilder.<ChainState, ChainEvent>builder()
      .forAnyState()
      .onEvent(RunStarted.class, ChainState::runStarted)
      .onEvent(FireSkipped.class, ChainState::fireSkipped)
      .onEvent(FiresMissed.class, (state, e) -> state.withActive(a -> a.runId() != e.runId() ? a
          : a.catchingUp(new Misfires(e.count(), e.first(), e.latest(), e.countCapped()))))
      .onEvent(DependencyPassed.class, (state, e) -> state.withActive(a -> a.withDependencyPassed(e.dependencyId())))
      .onEvent(DependenciesPassed.class, (state, e) -> state.withActive(a -> a.withDependenciesPassed(e.at())))
      .onEvent(LevelStarted.class, (state, e) -> state.withActive(a -> launching(a, e)))
      .onEvent(JobStarted.class, (state, e) -> state.withActive(a -> a.withAttempt(new JobAttempt(
          e.jobId(), e.stepLevel(), e.attempt(), e.pid(), e.startTime(), e.logPath(), null, e.node(), e.epoch(),
          null, null))))
      .onEvent(JobFinished.class, (state, e) -> state.withActive(a -> finish(a, e)))
      .onEvent(RunCancelled.class, (state, e) -> state.withActive(a -> a.cancelledBy(e.by())))
      .onEvent(RunFinished.class, ChainState::runFinished)
      .onEvent(RunWithdrawn.class, (state, e) -> new ChainState(e.lastFireBefore(), null, state.lastRun,
          state.recentCommands))
      .onEvent(CommandCarriedOut.class, ChainState::commandCarriedOut)
      .build();

  /** The state after {@code event}. */
  public ChainState apply(ChainEvent event) {
    return EVENTS.apply(this, event);
  }

  private ChainState runStarted(RunStarted e) {
    // a run an operator asked for is not a fire of the schedule
    boolean fire = e.trigger() == Trigger.SCHEDULE || e.trigger() == Trigger.MISFIRE;
    return new ChainState(fire ? later(e.scheduledTime()) : lastFire, ActiveRun.started(e, lastFire), lastRun,
        recentCommands);
  }

  private ChainState fireSkipped(FireSkipped e) {
    return new ChainState(later(e.scheduledTime()), active == null ? null : active.withSkipped(e.scheduledTime()),
        lastRun, recentCommands);
  }

  private ChainState runFinished(RunFinished e) {
    return new ChainState(lastFire, null, active == null ? lastRun : new EndedRun(active.runId(), active.trigger(),
        active.scheduledTime(), active.startTime(), active.dependenciesPassedAt(), e.endTime(), e.status(),
        active.epoch(), active.node(), active.rerun() == null ? null : active.rerun().rerunOf(), active.caughtUp(),
        SkippedFires.of(active.skippedFires())), recentCommands);
  }

  private ChainState commandCarriedOut(CommandCarriedOut e) {
    List<CommandCarriedOut> kept = new ArrayList<>(recentCommands);
    kept.add(e);
    return new ChainState(lastFire, active, lastRun, kept.subList(Math.max(0, kept.size() - COMMANDS_KEPT), kept.size()));
  }

  /** Each job of the level gets its new attempt, not started yet: no pid, no log, no status. */
  private static ActiveRun launching(ActiveRun run, LevelStarted e) {
    ActiveRun next = run;
    for (ChainEvent.JobLaunch job : e.jobs()) {
      next = next.withAttempt(new JobAttempt(job.jobId(), e.stepLevel(), job.attempt(), 0, e.at(), null, null,
          e.node(), e.epoch(), null, null));
    }
    return next;
  }

  private static ActiveRun finish(ActiveRun run, JobFinished e) {
    JobAttempt started = run.attemptOf(e.jobId()).orElse(null);
    int level = run.definition().jobs().stream()
        .filter(j -> j.id() == e.jobId()).mapToInt(j -> j.stepLevel()).findFirst().orElse(0);
    JobAttempt ended = started == null
        ? new JobAttempt(e.jobId(), level, e.attempt(), 0, e.endTime(), null, e.status(), null, null, e.exitCode(),
            e.endTime())
        : new JobAttempt(e.jobId(), started.stepLevel(), started.attempt(), started.pid(),
            started.startTime(), started.logPath(), e.status(), started.node(), started.epoch(), e.exitCode(),
            e.endTime());
    return run.withAttempt(ended);
  }

  /** The active run changed by {@code change}; an event of a run that is not active changes nothing. */
  private ChainState withActive(UnaryOperator<ActiveRun> change) {
    return new ChainState(lastFire, active == null ? null : change.apply(active), lastRun, recentCommands);
  }

  private Instant later(Instant fire) {
    if (fire == null) {
      return lastFire;
    }
    return lastFire == null || fire.isAfter(lastFire) ? fire : lastFire;
  }
}
