package io.baton.chain;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.exec.ProcessKind;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The child actors of the run in progress: its dependency checks, then the jobs of its current
 * step level. The chain actor decides; this class spawns, counts and stops. Every child is
 * watched: one that stops without having reported (it failed) is told to the chain as {@link
 * JobchainActor.WorkerStopped}, so its job or its run ends with a message instead of staying
 * RUNNING.
 */
final class RunWorkers {
  private final ChainContext node;
  private final ActorContext<JobchainActor.Command> context;
  private final long chainId;
  private final LogIds log;
  private final Map<Long, ActorRef<StepActor.Command>> jobs = new HashMap<>();
  private final Map<Long, ActorRef<DependencyActor.Command>> dependencies = new HashMap<>();

  RunWorkers(ChainContext node, ActorContext<JobchainActor.Command> context, long chainId, LogIds log) {
    this.node = node;
    this.log = log;
    this.context = context;
    this.chainId = chainId;
  }

  /**
   * Starts a check for every dependency not yet passed; the time left in the dep_ot window. A
   * {@code resumed} run's checks are numbered above any its earlier node can have made (checks
   * come at least a poll interval apart), so each check process keeps a job_run row of its own.
   */
  Duration startDependencies(ActiveRun run, boolean resumed) {
    double windowMinutes = run.definition().depTimeoutMinutes();
    Duration since = Duration.between(run.startTime(), node.clock().instant());
    long pollMillis = Math.max(1, node.settings().dependencyPollInterval().toMillis());
    int firstCheck = resumed ? (int) Math.min(Integer.MAX_VALUE / 2, 2 + Math.max(0, since.toMillis()) / pollMillis) : 1;
    for (DependencyDefinition dep : run.definition().dependencies()) {
      if (!run.passedDependencies().contains(dep.id())) {
        ActorRef<DependencyActor.Command> check = context.spawn(DependencyActor.create(node, context.getSelf(),
            new DependencyActor.Assignment(chainId, run.runId(), run.scheduledTime(), dep, windowMinutes > 0,
                run.startTime(), firstCheck)),
            "dep-" + run.runId() + "-" + dep.id());
        context.watchWith(check, new JobchainActor.WorkerStopped(run.runId(), ProcessKind.DEP, dep.id(), check));
        dependencies.put(dep.id(), check);
      }
    }
    Instant closes = run.startTime().plusMillis(Math.round(windowMinutes * 60_000));
    Duration left = Duration.between(node.clock().instant(), closes);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Starts every job of {@code level} journaled as about to start, with the attempt journaled. */
  void startLevel(ActiveRun run, int level) {
    for (JobDefinition job : run.jobsOfLevel(level)) {
      JobAttempt pending = run.attemptOf(job.id()).orElse(null);
      if (pending == null || !pending.launchUnconfirmed()) {
        continue; // succeeded already (a resumed level runs only the others)
      }
      int attempt = pending.attempt();
      ActorRef<StepActor.Command> step = context.spawn(StepActor.create(node, context.getSelf(), new StepActor.Assignment(
          chainId, run.runId(), run.scheduledTime(), job, attempt, run.startTime())), "job-" + run.runId() + "-" + job.id() + "-" + attempt);
      context.watchWith(step, new JobchainActor.WorkerStopped(run.runId(), ProcessKind.JOB, job.id(), step));
      jobs.put(job.id(), step);
    }
    log.info("chain {}: run {} step level {} started ({} jobs)", chainId, run.runId(), level, jobs.size());
  }

  /** A job reported its end; true when none of the level is left. */
  boolean jobEnded(long jobId) {
    jobs.remove(jobId);
    return jobs.isEmpty();
  }

  /** A dependency check gave its verdict (its actor stops after it). */
  void dependencyReported(long dependencyId) {
    dependencies.remove(dependencyId);
  }

  /** True when {@code worker} stopped while its job or check had not reported: it failed. */
  boolean failedUnreported(ProcessKind kind, long refId, ActorRef<?> worker) {
    Map<Long, ? extends ActorRef<?>> live = kind == ProcessKind.JOB ? jobs : dependencies;
    if (!worker.equals(live.get(refId))) {
      return false;
    }
    live.remove(refId);
    return true;
  }

  boolean noJobRunning() {
    return jobs.isEmpty();
  }

  /** Shutdown grace is over: every job still running is stopped and reports INTERRUPTED. */
  void interruptJobs() {
    jobs.values().forEach(job -> job.tell(new StepActor.Interrupt()));
  }

  /** The run was cancelled: every job still running is stopped and reports CANCELLED. */
  void cancelJobs() {
    jobs.values().forEach(job -> job.tell(new StepActor.Cancel()));
  }

  /** The run ended (or waits for the next start): stop whatever still polls or runs. */
  void stopAll() {
    context.getChildren().forEach(context::stop);
    jobs.clear();
    dependencies.clear();
  }

  /** Dependency checks are simply asked again at the next start; jobs are let finish. */
  void stopDependencyChecks() {
    dependencies.values().forEach(context::stop);
    dependencies.clear();
  }
}
