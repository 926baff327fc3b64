package io.baton.chain;

import io.baton.chain.ChainEvent.CommandCarriedOut;
import io.baton.chain.ChainEvent.RunCancelled;
import io.baton.chain.JobchainActor.Finish;
import io.baton.chain.JobchainActor.Operate;
import io.baton.chain.OperatorCommand.Outcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * An operator's commands, each carried out once: its effect and the fact that it was carried out
 * are journaled together, so a command handed over again (after a change of leader) gets the
 * answer it got the first time. A refusal changes nothing and is simply given again.
 */
record OperatorActions(ChainRuntime chain, JournalAhead ahead) {

  Effect<ChainEvent, ChainState> operate(ChainState state, Operate m) {
    OperatorCommand command = m.command();
    Optional<CommandCarriedOut> earlier = state.carriedOut(command.commandId());
    if (earlier.isPresent()) {
      m.replyTo().tell(new Outcome(command.commandId(), true, earlier.get().outcome(), earlier.get().runId()));
      return chain.effect.none();
    }
    if (command instanceof OperatorCommand.Refused refused) {
      return refuse(m, refused.reason());
    }
    if (chain.removed) {
      return refuse(m, "chain " + chain.chainId + " is deleted; nothing was done");
    }
    if (chain.draining()) {
      return chain.effect.none(); // unanswered: the command desk hands it over again, to the chain's next host
    }
    if (chain.now().isAfter(m.notAfter())) {
      // a "run now" asked for during a long outage must not surprise anyone hours later
      return refuse(m, "expired: it was not carried out within baton.misfire-grace of its acceptance; ask again");
    }
    if (command instanceof OperatorCommand.Cancel cancel) {
      return cancel(state, cancel, m);
    }
    if (command instanceof OperatorCommand.Switch change) {
      return switchChain(state, change, m);
    }
    if (state.running()) {
      ActiveRun active = state.active();
      return refuse(m, "chain " + chain.chainId + " has an active run " + active.runId() + " (" + active.trigger()
          + ", started " + active.startTime() + "); cancel it or wait for it to end");
    }
    return runNow(state, m);
  }

  /** RUN NOW or RERUN: a run of its own, started at once. */
  private Effect<ChainEvent, ChainState> runNow(ChainState state, Operate m) {
    OperatorCommand command = m.command();
    long runId = chain.node.runIds().getAsLong();
    Trigger trigger = command instanceof OperatorCommand.Rerun ? Trigger.RERUN : Trigger.MANUAL;
    // a manual run's slot is its trigger instant, kept to the millisecond like a schedule's fires
    Instant scheduled = chain.now().truncatedTo(ChronoUnit.MILLIS);
    ChainEvent.Rerun rerun = null;
    boolean skipDependencies = false;
    if (command instanceof OperatorCommand.Rerun r) {
      scheduled = r.scheduledTime();
      rerun = new ChainEvent.Rerun(r.rerunOf(), r.succeededJobs(), r.lastAttempts());
      skipDependencies = !r.withDependencies();
    }
    String text = "run " + runId + " started (" + trigger + (rerun == null ? "" : " of run " + rerun.rerunOf()) + ")";
    return ahead.startRun(state, runId, trigger, scheduled, rerun, skipDependencies,
        List.of(new CommandCarriedOut(command.commandId(), text, runId)), after -> {
          chain.report(runId, chain.messages.started(after.active(), command.by()));
          m.replyTo().tell(new Outcome(command.commandId(), true, text, runId));
        });
  }

  /**
   * ON takes effect when the Catalog reads the switch (within its poll interval); OFF at once: the
   * next fire is not armed, and a run journaled ahead whose instant has not come is withdrawn.
   */
  private Effect<ChainEvent, ChainState> switchChain(ChainState state, OperatorCommand.Switch change, Operate m) {
    String text = chain.messages.switched(change.on(), change.by());
    CommandCarriedOut carriedOut = new CommandCarriedOut(change.commandId(), text, null);
    var effect = !change.on() && ahead.notBegun(state)
        ? ahead.withdraw(state, "its chain was switched OFF", carriedOut)
        : chain.effect.persist(carriedOut);
    return effect.thenRun(after -> {
      chain.switchedOff = !change.on();
      if (chain.switchedOff) {
        chain.fireTimer.use(null);
      }
      chain.report(null, text);
      m.replyTo().tell(new Outcome(change.commandId(), true, text, null));
    });
  }

  private Effect<ChainEvent, ChainState> cancel(ChainState state, OperatorCommand.Cancel cancel, Operate m) {
    if (!state.running() || state.active().runId() != cancel.runId()) {
      return refuse(m, "run " + cancel.runId() + " of chain " + chain.chainId + " is not active; nothing was cancelled");
    }
    ActiveRun run = state.active();
    if (run.cancelledBy() != null) {
      return refuse(m, "run " + run.runId() + " is already being cancelled (asked by " + run.cancelledBy() + ")");
    }
    String text = "run " + run.runId() + " cancelled: its processes are being stopped";
    return chain.effect.persist(List.of(new RunCancelled(run.runId(), cancel.by(), chain.now()),
            new CommandCarriedOut(cancel.commandId(), text, run.runId())))
        .thenRun(after -> {
          chain.report(run.runId(), chain.messages.cancelled(run, cancel.by()));
          ahead.cancelBegin();
          if (after.active().dependenciesPassed() && !chain.workers.noJobRunning()) {
            chain.workers.cancelJobs(); // each reports CANCELLED; the last one ends the run
          } else {
            chain.context.getSelf().tell(new Finish(run.runId(), RunStatus.CANCELLED));
          }
          m.replyTo().tell(new Outcome(cancel.commandId(), true, text, run.runId()));
        });
  }

  private Effect<ChainEvent, ChainState> refuse(Operate m, String why) {
    m.replyTo().tell(new Outcome(m.command().commandId(), false, why, null));
    return chain.effect.none();
  }
}
