package io.baton.chain;

import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.JobchainActor.DependencyChecked;
import io.baton.chain.JobchainActor.DependencyWindowClosed;
import io.baton.chain.JobchainActor.Finish;
import io.baton.chain.JobchainActor.JobExited;
import io.baton.chain.JobchainActor.JobLaunched;
import io.baton.chain.JobchainActor.WorkerStopped;
import io.baton.exec.ProcessKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;

/**
 * A run under way: its dependency checks until all passed, then its step levels in order, each
 * level's jobs together, until one fails or none is left; then its end. Each decision is
 * journaled with what it decides next (the next level's attempts go in the same write as the end
 * of the last job before them), so nothing durable stands between a decision and its processes.
 */
record RunProgress(ChainRuntime chain, RunStartRecord record) {
  private static final String DEPENDENCY_WINDOW = "dependency-window";


  /** Starts what the run waits for: its dependency checks, or the level it is at; {@code resumed} after a restart. */
  void proceed(ActiveRun run, boolean resumed) {
    if (run.dependenciesPassed()) {
      startLevel(run);
    } else if (!chain.draining()) {
      Duration left = chain.workers.startDependencies(run, resumed);
      if (run.definition().depTimeoutMinutes() > 0) {
        chain.timers.startSingleTimer(DEPENDENCY_WINDOW, new DependencyWindowClosed(run.runId()), left);
      }
    }
  }

  Effect<ChainEvent, ChainState> onDependencyChecked(ChainState state, DependencyChecked m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId() || run.dependenciesPassed()) {
      return chain.effect.none();
    }
    chain.workers.dependencyReported(m.dependencyId());
    return switch (m.verdict()) {
      case PASSED -> dependencyPassed(run, m.dependencyId());
      case NOT_PASSED -> finish(run, RunStatus.DEP_TIMEOUT, chain.messages.dependencyNotPassed(run, m));
      case REFUSED -> finish(run, RunStatus.FAILED, chain.messages.dependencyFailed(run, m, RunStatus.FAILED));
      case ERROR -> finish(run, RunStatus.DEP_ERROR, chain.messages.dependencyFailed(run, m, RunStatus.DEP_ERROR));
    };
  }

  private Effect<ChainEvent, ChainState> dependencyPassed(ActiveRun run, long dependencyId) {
    Instant now = chain.now();
    List<ChainEvent> events = new ArrayList<>(List.of(new DependencyPassed(run.runId(), dependencyId, now)));
    ActiveRun passed = run.withDependencyPassed(dependencyId);
    boolean last = passed.passedDependencies().size() >= run.definition().dependencies().size();
    if (last) {
      events.add(new DependenciesPassed(run.runId(), now));
      if (!chain.draining()) {
        passed.withDependenciesPassed(now).nextLevel(now, chain.node.settings().nodeName(), chain.node.epoch())
            .ifPresent(events::add);
      }
    }
    return chain.effect.persist(events).thenRun(after -> {
      if (last) {
        chain.timers.cancel(DEPENDENCY_WINDOW);
        chain.runLog.dependenciesPassed(run.runId(), chain.chainId, now);
        startLevel(after.active());
      }
    });
  }

  Effect<ChainEvent, ChainState> onDependencyWindowClosed(ChainState state, DependencyWindowClosed m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId() || run.dependenciesPassed()) {
      return chain.effect.none();
    }
    return finish(run, RunStatus.DEP_TIMEOUT, chain.messages.dependencyWindowClosed(run));
  }

  private void startLevel(ActiveRun run) {
    Integer level = run.currentLevel().orElse(null);
    if (level == null) {
      chain.context.getSelf().tell(new Finish(run.runId(), RunStatus.SUCCESS)); // every level succeeded
    } else if (chain.draining()) {
      stopIfDrained(run);
    } else {
      chain.workers.startLevel(run, level);
    }
  }

  /**
   * A worker failed (an exception in its actor) before it reported: its job is recorded FAILED, or
   * for a dependency check the run ends DEP_ERROR, with a message; the run never stays RUNNING.
   */
  Effect<ChainEvent, ChainState> onWorkerStopped(ChainState state, WorkerStopped m) {
    if (m.runId() != state.active().runId() || !chain.workers.failedUnreported(m.kind(), m.refId(), m.worker())) {
      return chain.effect.none();
    }
    String detail = (m.kind() == ProcessKind.JOB ? "job " : "dependency ") + m.refId() + " of chain " + chain.chainId
        + ": its actor failed before the outcome was known (the node's log has the cause); its process was stopped";
    if (m.kind() == ProcessKind.DEP) {
      return finish(state.active(), RunStatus.DEP_ERROR,
          chain.messages.workerFailed(state.active(), detail, RunStatus.DEP_ERROR));
    }
    int attempt = state.active().attemptOf(m.refId()).map(ActiveRun.JobAttempt::attempt).orElse(1);
    return onJobExited(state, new JobExited(m.runId(), m.refId(), attempt, null, JobStatus.FAILED, detail));
  }

  Effect<ChainEvent, ChainState> onJobLaunched(ChainState state, JobLaunched m) {
    if (m.runId() != state.active().runId()) {
      return chain.effect.none();
    }
    if (!record.recorded(m.runId())) { // its first process started before the instant's timer came: the run first
      record.recordAt(state.active(), m.startTime());
    }
    return chain.effect.persist(new JobStarted(m.runId(), m.jobId(), m.stepLevel(), m.attempt(), m.pid(),
        m.startTime(), m.logPath(), chain.node.settings().nodeName(), chain.node.guard().epoch()))
        .thenRun(after -> chain.runLog.processStarted(m.runId(), chain.chainId, ProcessKind.JOB,
            m.jobId(), m.stepLevel(), m.attempt(), m.startTime(), m.pid(), m.logPath()));
  }

  Effect<ChainEvent, ChainState> onJobExited(ChainState state, JobExited m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId()) {
      return chain.effect.none();
    }
    Instant now = chain.now();
    boolean levelOver = chain.workers.jobEnded(m.jobId());
    chain.node.gauges().jobOutcome(now);
    chain.node.metrics().jobEnded(m.status());
    JobFinished finished = new JobFinished(m.runId(), m.jobId(), m.attempt(), m.exitCode(), m.status(), now);
    List<ChainEvent> events = new ArrayList<>(List.of(finished));
    ActiveRun next = state.apply(finished).active();
    if (levelOver && next.failure().isEmpty() && !chain.draining()) {
      // the next level's attempts go in the same write as the end of this one
      next.nextLevel(now, chain.node.settings().nodeName(), chain.node.epoch()).ifPresent(events::add);
    }
    return chain.effect.persist(events).thenRun(after -> {
      chain.runLog.processFinished(m.runId(), ProcessKind.JOB, m.jobId(), m.attempt(), now, m.exitCode(),
          m.status().name());
      if (m.status().failed()) {
        chain.report(run.runId(), chain.messages.jobFailed(run, m));
      }
      if (levelOver) {
        levelEnded(after.active());
      }
    });
  }

  /** Every job of the level has ended: fail the run, go to the next level, or stop for shutdown. */
  private void levelEnded(ActiveRun run) {
    RunStatus failure = run.failure().orElse(null);
    if (failure != null) {
      chain.context.getSelf().tell(new Finish(run.runId(), failure));
    } else {
      startLevel(run);
    }
  }

  Effect<ChainEvent, ChainState> onFinish(ChainState state, Finish m) {
    ActiveRun run = state.active();
    return m.runId() == run.runId() ? finish(run, m.status(), null) : chain.effect.none();
  }

  /** Ends the run with {@code status}; {@code failureText}, if any, is reported first. */
  EffectBuilder<ChainEvent, ChainState> finish(ActiveRun run, RunStatus status, String failureText) {
    chain.workers.stopAll(); // checks still polling; their processes are killed
    chain.timers.cancel(DEPENDENCY_WINDOW);
    if (failureText != null) {
      chain.report(run.runId(), failureText);
    }
    Instant now = chain.now();
    return chain.effect.persist(new RunFinished(run.runId(), status, now))
        .thenRun(after -> ended(after, run, status, now));
  }

  /** The run's end is durable: recorded, and the chain waits for its next fire (or stops). */
  void ended(ChainState after, ActiveRun run, RunStatus status, Instant end) {
    record.recordOnce(run); // it ended before its instant's timer came (a refused job, say)
    chain.node.begunRuns().remove(run.runId());
    SkippedFires skipped = SkippedFires.of(run.skippedFires());
    if (skipped != null) { // written first: whoever sees the run ended sees its skips too
      chain.runLog.message(run.runId(), chain.messages.skipped(run.runId(), skipped));
    }
    chain.runLog.runFinished(run.runId(), chain.chainId, end, status);
    chain.node.metrics().runEnded(chain.chainId, status, Duration.between(run.startTime(), end));
    chain.log.info("chain {}: run {} ended {}", chain.chainId, run.runId(), status);
    chain.log.run(null);
    if (chain.removed) {
      chain.log.info("chain {} was deleted; its actor stops", chain.chainId);
      chain.node.dormancy().forget();
      chain.context.getSelf().tell(new JobchainActor.Leave());
    } else if (chain.draining()) {
      chain.drained();
    } else {
      chain.arm(after);
      if (chain.owedAfterRun != null) {
        chain.catchUpDue = true;
        chain.context.getSelf().tell(new JobchainActor.CatchUp());
      }
    }
  }

  /** A draining run with no job left is recorded INTERRUPTED; the next start resumes it. */
  void stopIfDrained(ActiveRun run) {
    if (chain.draining() && chain.workers.noJobRunning()) {
      record.recordOnce(run);
      chain.runLog.runFinished(run.runId(), chain.chainId, chain.now(), RunStatus.INTERRUPTED);
      chain.drained();
    }
  }
}
