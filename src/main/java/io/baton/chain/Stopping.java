package io.baton.chain;

import io.baton.chain.JobchainActor.HandOff;
import io.baton.chain.JobchainActor.Interrupt;
import io.baton.chain.JobchainActor.Remove;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The chain stops: its row was deleted (it finishes the run in progress, then stops), or its shard
 * is handed over, to another node or because its node stops (no more fires, no new process; the
 * jobs left when the grace is over are interrupted; it stops once none of its jobs runs). A run
 * journaled ahead whose instant has not come is withdrawn either way: its fire is left to the next
 * start's misfire rule.
 */
record Stopping(ChainRuntime chain, JournalAhead ahead, RunProgress progress) {

  Effect<ChainEvent, ChainState> remove(ChainState state, Remove r) {
    chain.removed = true;
    chain.fireTimer.disarm();
    if (ahead.notBegun(state)) {
      chain.node.dormancy().forget();
      return ahead.withdraw(state, "its chain was deleted").thenStop();
    }
    if (state.running()) {
      return chain.effect.none(); // it stops when the run ends
    }
    chain.node.dormancy().forget();
    return chain.effect.stop();
  }

  /**
   * Idle, and its next fire far off (or none): the chain goes to sleep in its node's timer wheel,
   * which wakes it shortly before that fire. Not while an operator's switch OFF waits to be read
   * from the tables: the next actor would know only the tables.
   */
  Effect<ChainEvent, ChainState> doze(ChainState state, JobchainActor.Doze d) {
    java.time.Instant next = chain.fireTimer.nextFire();
    boolean offNotRead = chain.switchedOff && chain.definition.switchOn();
    if (state.running() || chain.stopping() || offNotRead || chain.catchUpDue
        || !chain.node.dormancy().sleeps(next, chain.now())) {
      return chain.effect.none();
    }
    chain.asleep = true;
    chain.timers.cancelAll();
    chain.log.debug("chain {}: idle until {}; it sleeps", chain.chainId, next);
    chain.node.dormancy().sleep(next, chain.fireTimer.armedSince(), chain.context.getSelf());
    return chain.effect.none();
  }

  /**
   * The shard moves (a rebalance, or the node stopping): fire nothing more, start no process, let
   * the running jobs finish within the shutdown grace (then interrupt them), and stop.
   */
  Effect<ChainEvent, ChainState> handOff(ChainState state, HandOff h) {
    if (!chain.handingOff) {
      chain.handingOff = true;
      if (state.running()) {
        chain.timers.startSingleTimer(new Interrupt(), chain.node.settings().shutdownGrace());
      }
    }
    chain.fireTimer.disarm();
    if (ahead.notBegun(state)) {
      return ahead.withdrawAsMissed(state, "its shard moves to another node, or its node stops")
          .thenRun(after -> chain.drained());
    }
    if (!state.running()) {
      chain.drained();
      return chain.effect.none();
    }
    ActiveRun run = state.active();
    if (!run.dependenciesPassed()) {
      chain.workers.stopDependencyChecks(); // asked again at the next start
    }
    progress.stopIfDrained(run);
    return chain.effect.none();
  }

  Effect<ChainEvent, ChainState> interrupt(ChainState state, Interrupt i) {
    chain.workers.interruptJobs();
    return chain.effect.none();
  }
}
