package io.baton.chain;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.chain.ChainState.EndedRun;
import io.baton.chain.JobchainActor.CatchUp;
import io.baton.chain.JobchainActor.Resume;
import io.baton.chain.JobchainActor.RunExamined;
import io.baton.chain.JobchainActor.SurvivorsKilled;
import io.baton.config.BatonSettings;
import io.baton.exec.ProcessKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;

/**
 * A chain started again (its node restarted, or became leader) finds in its journal how its last
 * run ended, written again in case the database never learnt it, and maybe a run still active.
 * That run either never began (journaled ahead by a node that died before the instant: withdrawn,
 * its fire a missed one) or is resumed: what its previous node left running is killed, then its
 * step is run again or it ends, by the recovery rule. Looking at the host's processes blocks, so it
 * is done on the blocking pool while the chain's other commands wait.
 */
record Recovery(ChainRuntime chain, JournalAhead ahead, RunProgress progress) {
  /**
   * A message about missed or skipped fires is written again at a restart within this of when it
   * was first due (its node may have died before writing it): a run moved later (a rebalance, a
   * rolling restart) had it written long ago. An active run's is skipped if among the table's
   * latest rows, an ended run's if chain_run shows the run ended (its messages came first).
   */
  static final Duration MISFIRE_MESSAGE_AGAIN = Duration.ofMinutes(10);

  /** The journal is replayed. */
  void recovered(ChainState state) {
    EndedRun last = state.lastRun();
    if (last != null) {
      chain.runLog.rewrite(chain.chainId, last, messagesAgain(last));
    }
    if (state.running()) {
      chain.context.getSelf().tell(new Resume(state.active().runId()));
    }
  }

  /** The ended run's messages, named at its start (a catch-up's) and at its end (its skips), if recent. */
  private List<String> messagesAgain(EndedRun run) {
    List<String> texts = new ArrayList<>(2);
    if (run.caughtUp() != null && recent(run.startTime())) {
      texts.add(chain.messages.caughtUp(run.caughtUp(), chain.node.settings().misfireGrace()));
    }
    if (run.skipped() != null && recent(run.endTime())) {
      texts.add(chain.messages.skipped(run.runId(), run.skipped()));
    }
    return texts;
  }

  private boolean recent(Instant due) {
    return Duration.between(due, chain.now()).compareTo(MISFIRE_MESSAGE_AGAIN) < 0;
  }

  /**
   * A run its node journaled ahead of the fire with no sign of having begun in the journal or on
   * this node: whether it began (a process of it ran here, or chain_run records it) is asked next.
   */
  boolean mayNeverHaveBegun(ActiveRun run) {
    return !run.showsProgress() && !chain.node.begunRuns().contains(run.runId());
  }

  /** Asks the host whether the run began (a process of it here, or its chain_run row). */
  void examine(ActiveRun run) {
    chain.waitingForHost = true;
    chain.context.pipeToSelf(CompletableFuture.supplyAsync(
            () -> chain.node.processes().began(chain.chainId, run.runId(), run.scheduledTime()),
            chain.node.blocking()),
        (started, error) -> {
          if (error != null) { // when in doubt it began: resumed, never silently dropped
            chain.log.warn("chain " + chain.chainId + ": could not look for processes of run " + run.runId()
                + "; it is resumed: " + error);
          }
          return new RunExamined(run.runId(), started == null || started);
        });
  }

  /**
   * Its node died or was paused before the instant, so it is not that node's run: withdrawn, and
   * its fire counts as missed (then {@link CatchUp}), also when it was the chain's first.
   */
  EffectBuilder<ChainEvent, ChainState> withdrawNeverBegun(ActiveRun run) {
    chain.report(run.runId(), chain.messages.neverBegan(run));
    chain.catchUpDue = true; // the chain must not go to sleep before it: the fire would be lost
    Instant before = run.previousFire() != null ? run.previousFire() : run.scheduledTime().minusNanos(1);
    return chain.effect.persist(new RunWithdrawn(run.runId(), before))
        .thenRun(after -> chain.context.getSelf().tell(new CatchUp()));
  }

  /** A run was active when the node stopped: first kill its survivors, off the actor's thread. */
  Effect<ChainEvent, ChainState> resume(ChainState state, Resume r) {
    ActiveRun run = state.active();
    if (r.runId() != run.runId()) {
      return chain.effect.none(); // withdrawn at recovery; this is a later run
    }
    if (run.caughtUp() != null && recent(run.startTime())) {
      chain.report(run.runId(), chain.messages.caughtUp(run.caughtUp(), chain.node.settings().misfireGrace()));
    }
    chain.waitingForHost = true;
    List<JobAttempt> interrupted = run.running();
    chain.context.pipeToSelf(CompletableFuture.supplyAsync(
            () -> chain.node.processes().killSurvivors(run.runId(), interrupted), chain.node.blocking()),
        (killed, error) -> {
          if (error != null) {
            chain.log.warn("chain " + chain.chainId + " run " + run.runId()
                + ": could not look for processes left by its previous node: " + error);
          }
          return new SurvivorsKilled(run.runId(), killed == null ? List.of() : killed);
        });
    return chain.effect.none();
  }

  /**
   * Its survivors are gone: re-run its step or end it. A job journaled as about to start with no
   * process recorded may have started in the instant before the stop: it counts as an attempt
   * (job_run names it), so the re-run's attempt is higher.
   */
  Effect<ChainEvent, ChainState> onSurvivorsKilled(ChainState state, SurvivorsKilled m) {
    chain.waitingForHost = false;
    ActiveRun run = state.active();
    if (!m.killed().isEmpty()) {
      chain.log.warn("chain " + chain.chainId + " run " + run.runId() + ": killed processes " + m.killed()
          + " left by the run's previous node");
    }
    List<JobAttempt> interrupted = run.running();
    boolean cancelled = run.cancelledBy() != null; // its node died while stopping it
    boolean fail = cancelled || chain.node.settings().recovery() == BatonSettings.Recovery.FAIL;
    RunStatus failedAs = cancelled ? RunStatus.CANCELLED : RunStatus.INTERRUPTED;
    chain.report(run.runId(), cancelled ? chain.messages.recoveredCancel(run) : chain.messages.recovery(run, fail));
    chain.runLog.rewriteJobs(chain.chainId, run);
    Instant now = chain.now();
    List<ChainEvent> events = new ArrayList<>();
    interrupted.forEach(job ->
        events.add(new JobFinished(run.runId(), job.jobId(), job.attempt(), null, JobStatus.INTERRUPTED, now)));
    if (fail) {
      events.add(new RunFinished(run.runId(), failedAs, now));
    } else if (run.dependenciesPassed()) {
      ChainState prospective = state;
      for (ChainEvent e : events) {
        prospective = prospective.apply(e);
      }
      prospective.active().nextLevel(now, chain.node.settings().nodeName(), chain.node.epoch()).ifPresent(events::add);
    }
    return chain.effect.persist(events).thenRun(after -> {
      interrupted.forEach(job -> chain.runLog.processFinished(run.runId(), ProcessKind.JOB, job.jobId(),
          job.attempt(), now, null, JobStatus.INTERRUPTED.name()));
      if (fail) {
        progress.ended(after, run, failedAs, now);
      } else {
        ahead.resume(after.active());
      }
    }).thenUnstashAll();
  }
}
