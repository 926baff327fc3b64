package io.baton.chain;

import io.baton.chain.JobchainActor.Drain;
import io.baton.chain.JobchainActor.HandOff;
import io.baton.chain.JobchainActor.Interrupt;
import io.baton.chain.JobchainActor.Remove;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The chain stops: its row was deleted (it finishes the run in progress, then stops), or its node
 * is shutting down (no more fires, no new process; it says when none of its jobs runs, and the
 * jobs left when the grace is over are interrupted), or its shard moves to another node (the same,
 * then it stops). A run journaled ahead whose instant has not
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
    return stopFiring(state, "the node is stopping");
  }

  /** The shard moves: as a drain, but the grace is timed here and the actor stops once drained. */
  Effect<ChainEvent, ChainState> handOff(ChainState state, HandOff h) {
    if (!chain.handingOff) {
      chain.handingOff = true;
      if (state.running()) {
        chain.timers.startSingleTimer(new Interrupt(), chain.node.settings().shutdownGrace());
      }
    }
    return stopFiring(state, "its shard moves to another node");
  }

  private Effect<ChainEvent, ChainState> stopFiring(ChainState state, String why) {
    chain.fireTimer.disarm();
    if (ahead.notBegun(state)) {
      return ahead.withdrawAsMissed(state, why).thenRun(after -> chain.drained());
    }
    if (!state.running()) {
      chain.drained();
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
