package io.baton.chain;

import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The run a chain is in the middle of, rebuilt from its events after a restart. {@code caughtUp}:
 * for a catch-up run (MISFIRE), the fires missed that it stands for; null for any other run.
 */
public record ActiveRun(
    long runId,
    Trigger trigger,
    Instant scheduledTime,
    Instant startTime,
    ChainDefinition definition,
    Long epoch,
    String node,
    Set<Long> passedDependencies,
    Instant dependenciesPassedAt,
    List<JobAttempt> attempts,
    List<Instant> skippedFires,
    Instant previousFire,
    ChainEvent.Rerun rerun,
    String cancelledBy,
    Misfires caughtUp) {

  /**
   * The latest attempt of one job in this run; {@code status} is null while it runs, or while it is
   * about to start ({@code logPath} null: its level was journaled, its process not yet).
   */
  public record JobAttempt(long jobId, int stepLevel, int attempt, long pid, Instant startTime, String logPath,
      JobStatus status, String node, Long epoch, Integer exitCode, Instant endTime) {

    /** Journaled as about to start, with no process recorded: it may or may not have started. */
    public boolean launchUnconfirmed() {
      return status == null && logPath == null;
    }
  }

  /** {@code previousFire}: the chain's last handled fire before this run's, should the run be taken back. */
  static ActiveRun started(ChainEvent.RunStarted e, Instant previousFire) {
    List<JobAttempt> carried = new ArrayList<>();
    if (e.rerun() != null) { // what succeeded in the run it continues is not run again
      for (JobDefinition job : e.definition().jobs()) {
        if (e.rerun().succeededJobs().contains(job.id())) {
          carried.add(new JobAttempt(job.id(), job.stepLevel(), e.rerun().lastAttempt(job.id()), 0, null, null,
              JobStatus.SUCCESS, null, null, null, null));
        }
      }
    }
    return new ActiveRun(e.runId(), e.trigger(), e.scheduledTime(), e.startTime(), e.definition(),
        e.epoch(), e.node(), Set.of(), null, List.copyOf(carried), List.of(), previousFire, e.rerun(), null, null);
  }

  /**
   * Whether the journal shows the run under way: a dependency passed after it started, or a job
   * was started or ended. A run journaled ahead shows nothing of the kind until its node acts.
   */
  public boolean showsProgress() {
    return !passedDependencies.isEmpty() || attempts.stream().anyMatch(a -> !a.launchUnconfirmed());
  }

  public boolean dependenciesPassed() {
    return dependenciesPassedAt != null;
  }

  /** The lowest step level that still has a job without success; empty once all succeeded. */
  public Optional<Integer> currentLevel() {
    TreeSet<Integer> levels = new TreeSet<>();
    for (JobDefinition job : definition.jobs()) {
      if (attemptOf(job.id()).map(a -> a.status() != JobStatus.SUCCESS).orElse(true)) {
        levels.add(job.stepLevel());
      }
    }
    return levels.isEmpty() ? Optional.empty() : Optional.of(levels.first());
  }

  /**
   * The level to start next, with each of its jobs that has not succeeded and the attempt it runs
   * as (one above its last), as the event that journals it; empty when every level succeeded.
   */
  public Optional<ChainEvent.LevelStarted> nextLevel(Instant at, String byNode, Long epoch) {
    return currentLevel().map(level -> new ChainEvent.LevelStarted(runId, level, jobsOfLevel(level).stream()
        .filter(job -> attemptOf(job.id()).map(a -> a.status() != JobStatus.SUCCESS).orElse(true))
        .map(job -> new ChainEvent.JobLaunch(job.id(), attemptOf(job.id()).map(a -> a.attempt() + 1)
            .orElse(rerun == null ? 1 : rerun.lastAttempt(job.id()) + 1)))
        .toList(), at, byNode, epoch));
  }

  public List<JobDefinition> jobsOfLevel(int level) {
    return definition.jobs().stream().filter(j -> j.stepLevel() == level).toList();
  }

  public Optional<JobAttempt> attemptOf(long jobId) {
    return attempts.stream().filter(a -> a.jobId() == jobId).findFirst();
  }

  /**
   * The first job failure of this run decides its end status (a cancelled run ends CANCELLED);
   * shutdown is not a failure.
   */
  public Optional<RunStatus> failure() {
    if (cancelledBy != null) {
      return Optional.of(RunStatus.CANCELLED);
    }
    return attempts.stream()
        .map(JobAttempt::status)
        .filter(s -> s == JobStatus.FAILED || s == JobStatus.TIMEOUT || s == JobStatus.REFUSED || s == JobStatus.CANCELLED)
        .map(JobStatus::runStatus)
        .findFirst();
  }

  /** Jobs of the run whose process was started and has not been seen to end. */
  public List<JobAttempt> running() {
    return attempts.stream().filter(a -> a.status() == null).toList();
  }

  ActiveRun withDependencyPassed(long dependencyId) {
    Set<Long> passed = new HashSet<>(passedDependencies);
    passed.add(dependencyId);
    return new ActiveRun(runId, trigger, scheduledTime, startTime, definition, epoch, node, Set.copyOf(passed),
        dependenciesPassedAt, attempts, skippedFires, previousFire, rerun, cancelledBy, caughtUp);
  }

  ActiveRun withDependenciesPassed(Instant at) {
    return new ActiveRun(runId, trigger, scheduledTime, startTime, definition, epoch, node, passedDependencies,
        at, attempts, skippedFires, previousFire, rerun, cancelledBy, caughtUp);
  }

  ActiveRun withAttempt(JobAttempt attempt) {
    List<JobAttempt> next = new ArrayList<>(attempts);
    next.removeIf(a -> a.jobId() == attempt.jobId());
    next.add(attempt);
    return new ActiveRun(runId, trigger, scheduledTime, startTime, definition, epoch, node, passedDependencies,
        dependenciesPassedAt, List.copyOf(next), skippedFires, previousFire, rerun, cancelledBy, caughtUp);
  }

  ActiveRun cancelledBy(String by) {
    return new ActiveRun(runId, trigger, scheduledTime, startTime, definition, epoch, node, passedDependencies,
        dependenciesPassedAt, attempts, skippedFires, previousFire, rerun, by, caughtUp);
  }

  /** The run a RERUN continues, else null. */
  public Long rerunOf() {
    return rerun == null ? null : rerun.rerunOf();
  }

  /** A catch-up run: the fires it stands for, named in a message. */
  ActiveRun catchingUp(Misfires missed) {
    return new ActiveRun(runId, trigger, scheduledTime, startTime, definition, epoch, node, passedDependencies,
        dependenciesPassedAt, attempts, skippedFires, previousFire, rerun, cancelledBy, missed);
  }

  ActiveRun withSkipped(Instant fire) {
    List<Instant> next = new ArrayList<>(skippedFires);
    next.add(fire);
    return new ActiveRun(runId, trigger, scheduledTime, startTime, definition, epoch, node, passedDependencies,
        dependenciesPassedAt, attempts, List.copyOf(next), previousFire, rerun, cancelledBy, caughtUp);
  }
}
