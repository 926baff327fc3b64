package io.baton.chain;

import io.baton.JsonSerializable;
import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.LevelStarted;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunCancelled;
import io.baton.chain.ChainEvent.RunWithdrawn;
import java.time.Instant;

/**
 * Everything a chain must remember across restarts: the last fire it handled (run or skipped),
 * so no fire is handled twice, the run in progress, if any, and how the last run ended (written
 * again after a restart, in case the node died before the database learnt it).
 */
public record ChainState(Instant lastFire, ActiveRun active, EndedRun lastRun,
    java.util.List<ChainEvent.CommandCarriedOut> recentCommands) implements JsonSerializable {

  /** Commands remembered, so one handed over again is answered, not repeated. */
  private static final int COMMANDS_KEPT = 32;

  public ChainState {
    recentCommands = recentCommands == null ? java.util.List.of() : java.util.List.copyOf(recentCommands);
  }

  /** The last run that ended, as chain_run must show it. */
  public record EndedRun(long runId, Trigger trigger, Instant scheduledTime, Instant startTime,
      Instant dependenciesPassedAt, Instant endTime, RunStatus status, Long epoch, String node, Long rerunOf) {}

  /** The command with this id, if this chain carried it out recently. */
  public java.util.Optional<ChainEvent.CommandCarriedOut> carriedOut(long commandId) {
    return recentCommands.stream().filter(c -> c.commandId() == commandId).findFirst();
  }

  public static ChainState empty() {
    return new ChainState(null, null, null, java.util.List.of());
  }

  public boolean running() {
    return active != null;
  }

  public ChainState apply(ChainEvent event) {
    // Java 17 has no pattern switch; this chain of instanceof covers every ChainEvent.
    if (event instanceof RunStarted e) {
      // a run an operator asked for is not a fire of the schedule
      boolean fire = e.trigger() == Trigger.SCHEDULE || e.trigger() == Trigger.MISFIRE;
      return new ChainState(fire ? later(e.scheduledTime()) : lastFire, ActiveRun.started(e, lastFire), lastRun,
          recentCommands);
    } else if (event instanceof FireSkipped e) {
      return new ChainState(later(e.scheduledTime()), withActive(a -> a.withSkipped(e.scheduledTime())), lastRun,
          recentCommands);
    } else if (event instanceof DependencyPassed e) {
      return new ChainState(lastFire, withActive(a -> a.withDependencyPassed(e.dependencyId())), lastRun,
          recentCommands);
    } else if (event instanceof DependenciesPassed e) {
      return new ChainState(lastFire, withActive(a -> a.withDependenciesPassed(e.at())), lastRun, recentCommands);
    } else if (event instanceof JobStarted e) {
      return new ChainState(lastFire, withActive(a -> a.withAttempt(new JobAttempt(
          e.jobId(), e.stepLevel(), e.attempt(), e.pid(), e.startTime(), e.logPath(), null, e.node(), e.epoch()))),
          lastRun, recentCommands);
    } else if (event instanceof LevelStarted e) {
      return new ChainState(lastFire, withActive(a -> launching(a, e)), lastRun, recentCommands);
    } else if (event instanceof JobFinished e) {
      return new ChainState(lastFire, withActive(a -> finish(a, e)), lastRun, recentCommands);
    } else if (event instanceof RunWithdrawn e) {
      return new ChainState(e.lastFireBefore(), null, lastRun, recentCommands);
    } else if (event instanceof RunCancelled e) {
      return new ChainState(lastFire, withActive(a -> a.cancelledBy(e.by())), lastRun, recentCommands);
    } else if (event instanceof ChainEvent.CommandCarriedOut e) {
      java.util.List<ChainEvent.CommandCarriedOut> kept = new java.util.ArrayList<>(recentCommands);
      kept.add(e);
      return new ChainState(lastFire, active, lastRun,
          kept.subList(Math.max(0, kept.size() - COMMANDS_KEPT), kept.size()));
    } else if (event instanceof RunFinished e) {
      return new ChainState(lastFire, null, active == null ? lastRun : new EndedRun(active.runId(), active.trigger(),
          active.scheduledTime(), active.startTime(), active.dependenciesPassedAt(), e.endTime(), e.status(),
          active.epoch(), active.node(), active.rerun() == null ? null : active.rerun().rerunOf()), recentCommands);
    }
    throw new IllegalArgumentException("unknown chain event " + event);
  }

  /** Each job of the level gets its new attempt, not started yet: no pid, no log, no status. */
  private static ActiveRun launching(ActiveRun run, LevelStarted e) {
    ActiveRun next = run;
    for (ChainEvent.JobLaunch job : e.jobs()) {
      next = next.withAttempt(new JobAttempt(job.jobId(), e.stepLevel(), job.attempt(), 0, e.at(), null, null,
          e.node(), e.epoch()));
    }
    return next;
  }

  private static ActiveRun finish(ActiveRun run, JobFinished e) {
    JobAttempt started = run.attemptOf(e.jobId()).orElse(null);
    int level = run.definition().jobs().stream()
        .filter(j -> j.id() == e.jobId()).mapToInt(j -> j.stepLevel()).findFirst().orElse(0);
    JobAttempt ended = started == null
        ? new JobAttempt(e.jobId(), level, e.attempt(), 0, e.endTime(), null, e.status(), null, null)
        : new JobAttempt(e.jobId(), started.stepLevel(), started.attempt(), started.pid(),
            started.startTime(), started.logPath(), e.status(), started.node(), started.epoch());
    return run.withAttempt(ended);
  }

  private ActiveRun withActive(java.util.function.UnaryOperator<ActiveRun> change) {
    return active == null ? null : change.apply(active);
  }

  private Instant later(Instant fire) {
    if (fire == null) {
      return lastFire;
    }
    return lastFire == null || fire.isAfter(lastFire) ? fire : lastFire;
  }
}
