package io.baton.chain;

import io.baton.chain.JobchainActor.Drain;
import io.baton.chain.JobchainActor.Drained;
import io.baton.chain.JobchainActor.Interrupt;
import io.baton.chain.JobchainActor.Remove;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The chain stops: its row was deleted (it finishes the run in progress, then stops), or its node
 * is shutting down (no more fires, no new process; it says when none of its jobs runs, and the
 * jobs left when the grace is over are interrupted). A run journaled ahead whose instant has not
 * come is withdrawn either way: its fire is left to the next start's misfire rule.
 */
record Stopping(ChainRuntime chain, JournalAhead ahead, RunProgress progress) {

  Effect<ChainEvent, ChainState> remove(ChainState state, Remove r) {
    chain.removed = true;
    chain.fireTimer.disarm();
    if (ahead.notBegun(state)) {
      return ahead.withdraw(state, "its chain was deleted").thenStop();
    }
    return state.running() ? chain.effect.none() : chain.effect.stop();
  }

  Effect<ChainEvent, ChainState> drain(ChainState state, Drain d) {
    chain.drainedReplyTo = d.replyTo();
    chain.fireTimer.disarm();
    if (ahead.notBegun(state)) {
      return ahead.withdrawAsMissed(state, "the node is stopping")
          .thenRun(after -> d.replyTo().tell(new Drained(chain.chainId)));
    }
    if (!state.running()) {
      d.replyTo().tell(new Drained(chain.chainId));
      return chain.effect.none();
    }
    ActiveRun run = state.active();
    if (!run.dependenciesPassed()) {
      chain.workers.stopDependencyChecks(); // asked again at the next start
    }
    progress.replyIfDrained(run);
    return chain.effect.none();
  }

  Effect<ChainEvent, ChainState> interrupt(ChainState state, Interrupt i) {
    chain.workers.interruptJobs();
    return chain.effect.none();
  }
}
