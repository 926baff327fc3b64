package io.baton.chain;

import io.baton.definition.ChainDefinition;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.JsonSerializable;
import java.time.Instant;

/**
 * What happened to a chain; the journal of persistenceId "chain-&lt;id&gt;" holds these, each under
 * its name below (the payload's "type"), not its class's name. A name is written once and read for
 * as long as the journal keeps the event: never change or reuse one (an event given a new name keeps
 * its old one in {@code names}); a new event needs a name of its own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ChainEvent.RunStarted.class, name = "RunStarted"),
  @JsonSubTypes.Type(value = ChainEvent.FireSkipped.class, name = "FireSkipped"),
  @JsonSubTypes.Type(value = ChainEvent.DependencyPassed.class, name = "DependencyPassed"),
  @JsonSubTypes.Type(value = ChainEvent.DependenciesPassed.class, name = "DependenciesPassed"),
  @JsonSubTypes.Type(value = ChainEvent.JobStarted.class, name = "JobStarted"),
  @JsonSubTypes.Type(value = ChainEvent.JobFinished.class, name = "JobFinished"),
  @JsonSubTypes.Type(value = ChainEvent.RunFinished.class, name = "RunFinished"),
  @JsonSubTypes.Type(value = ChainEvent.RunWithdrawn.class, name = "RunWithdrawn"),
  @JsonSubTypes.Type(value = ChainEvent.LevelStarted.class, name = "LevelStarted"),
  @JsonSubTypes.Type(value = ChainEvent.RunCancelled.class, name = "RunCancelled"),
  @JsonSubTypes.Type(value = ChainEvent.CommandCarriedOut.class, name = "CommandCarriedOut"),
  @JsonSubTypes.Type(value = ChainEvent.FiresMissed.class, name = "FiresMissed")
})
public sealed interface ChainEvent extends JsonSerializable {

  /** A run began; it carries the definition it runs with, whatever the Catalog sees later. */
  record RunStarted(
      long runId,
      Trigger trigger,
      Instant scheduledTime,
      Instant startTime,
      ChainDefinition definition,
      Long epoch,
      String node,
      Rerun rerun)
      implements ChainEvent {}

  /**
   * What a RERUN takes over from the run it continues: the jobs that succeeded there (not run
   * again) and the last attempt of each job (the re-run's attempt is one higher).
   */
  record Rerun(long rerunOf, java.util.List<Long> succeededJobs, java.util.List<JobLaunch> lastAttempts) {
    public Rerun {
      succeededJobs = java.util.List.copyOf(succeededJobs);
      lastAttempts = java.util.List.copyOf(lastAttempts);
    }

    int lastAttempt(long jobId) {
      return lastAttempts.stream().filter(a -> a.jobId() == jobId).mapToInt(JobLaunch::attempt).max().orElse(0);
    }
  }

  /**
   * Run {@code runId} is the one catch-up run for {@code count} fires missed while no node ran the
   * chain, from {@code first} to {@code latest} (its own fire). Journaled with the run, so the message
   * naming them is written again by the node that resumes the run, should the one that started it
   * die before writing it.
   */
  record FiresMissed(long runId, long count, Instant first, Instant latest, boolean countCapped)
      implements ChainEvent {}

  /** A fire came due while a run was active and was not run. */
  record FireSkipped(Instant scheduledTime) implements ChainEvent {}

  /** One dependency check exited 0; it is not run again in this run. */
  record DependencyPassed(long runId, long dependencyId, Instant at) implements ChainEvent {}

  /** Every dependency passed (at once when the chain has none): the steps may run. */
  record DependenciesPassed(long runId, Instant at) implements ChainEvent {}

  /**
   * The jobs of a step level are about to start, each with its attempt number: journaled before
   * any of their processes, in the same write as what decided it (the run's start, the last
   * dependency passing, the previous level's last job ending), so it costs no write of its own.
   * A restarted node treats an attempt it finds here without a {@link JobStarted} as possibly
   * started: the next execution gets a higher attempt, and job_run names this one.
   */
  record LevelStarted(long runId, int stepLevel, java.util.List<JobLaunch> jobs, Instant at, String node, Long epoch)
      implements ChainEvent {
    public LevelStarted {
      jobs = java.util.List.copyOf(jobs);
    }
  }

  /** One job of a {@link LevelStarted}: which, and its attempt number. */
  record JobLaunch(long jobId, int attempt) {}

  /**
   * A job process was started; pid and start time let a restarted node find survivors. {@code
   * node} and {@code epoch} say who started it (null in events written before they were kept).
   */
  record JobStarted(
      long runId, long jobId, int stepLevel, int attempt, long pid, Instant startTime, String logPath,
      String node, Long epoch) implements ChainEvent {}

  /** A job process ended (or could not start) with this status. */
  record JobFinished(
      long runId, long jobId, int attempt, Integer exitCode, JobStatus status, Instant endTime)
      implements ChainEvent {}

  /**
   * An operator cancelled the run: its dependency checks and jobs are stopped, later levels never
   * start, and it ends CANCELLED (also when its node dies before the processes are gone).
   */
  record RunCancelled(long runId, String by, Instant at) implements ChainEvent {}

  /**
   * An operator's command (baton_command row {@code commandId}) was carried out: journaled with its
   * effect, so a command handed to this chain again (its node died before writing the outcome)
   * gets the same answer and is not carried out twice.
   */
  record CommandCarriedOut(long commandId, String outcome, Long runId) implements ChainEvent {}

  /** The run ended; the chain may fire again. */
  record RunFinished(long runId, RunStatus status, Instant endTime) implements ChainEvent {}

  /**
   * A run journaled ahead of its fire had not begun when the node was stopped: it is taken back,
   * and its fire counts as missed (the next start's misfire rule decides).
   */
  record RunWithdrawn(long runId, Instant lastFireBefore) implements ChainEvent {}
}
