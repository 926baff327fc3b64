package io.baton.chain;

import io.baton.chain.JobchainActor.Command;
import io.baton.definition.ChainDefinition;
import java.time.Instant;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * What one chain actor holds besides its journaled {@link ChainState}: its tools, shared by the
 * files that handle its commands, and the facts of this incarnation that the journal need not
 * keep (they are rebuilt from the Catalog and the journal after a restart).
 */
final class ChainRuntime {
  final long chainId;
  final ChainContext node;
  final ActorContext<Command> context;
  final TimerScheduler<Command> timers;
  final EffectFactories<ChainEvent, ChainState> effect;
  final RunLog runLog;
  final Messages messages;
  final LogIds log;
  final FireTimer fireTimer;
  final RunWorkers workers;

  /** The Catalog's latest definition (null until the first arrives): new runs take it. */
  ChainDefinition definition;
  /** The chain's row was deleted: it finishes its run, then stops. */
  boolean removed;
  /** Its shard is handed over (a rebalance, or the node stopping): it stops once no job of it runs. */
  boolean handingOff;
  /** Switched OFF by an operator's command, until the Catalog reads the switch OFF too. */
  boolean switchedOff;
  /** A blocking question to the host is out (see {@link Recovery}): other commands wait for its answer. */
  boolean waitingForHost;
  /** Idle and far from its next fire: it has gone to sleep, and its shard stops it. */
  boolean asleep;
  /** Fires before this instant are not owed (switched ON or rescheduled while it slept), or null. */
  Instant firesFrom;
  /** Since when this node has held the chain's shard (null: not known): fires after it were this node's. */
  Instant hostedSince;
  /** A catch-up ({@link JobchainActor.CatchUp}) is on its way: after a run withdrawn at recovery, or {@link #owedAfterRun}. */
  boolean catchUpDue;
  /**
   * Fires missed while no node ran the chain, found as its run was resumed: named at once, and caught
   * up once that run ends (null: none owed). Not journaled: should this node stop first, the next
   * start counts them again from the chain's last fire, unless a fire skipped during the resumed run
   * moved that past them.
   */
  Misfires owedAfterRun;

  /** How often an awake chain looks whether it may sleep. */
  private static final java.time.Duration DOZE_EVERY = java.time.Duration.ofSeconds(10);

  ChainRuntime(long chainId, ChainContext node, ActorContext<Command> context, TimerScheduler<Command> timers,
      EffectFactories<ChainEvent, ChainState> effect) {
    this.chainId = chainId;
    this.node = node;
    this.context = context;
    this.timers = timers;
    this.effect = effect;
    this.runLog = node.runLog();
    this.messages = new Messages(chainId);
    context.setLoggerName(JobchainActor.class); // operators grep the node's log for it
    this.log = new LogIds(context.getLog(), chainId);
    this.fireTimer = new FireTimer(timers, node.clock(), node.gauges(), chainId);
    this.workers = new RunWorkers(node, context, chainId, log);
    if (node.dormancy() != Dormancy.NEVER) {
      timers.startTimerWithFixedDelay("doze", new JobchainActor.Doze(), DOZE_EVERY);
    }
  }

  Instant now() {
    return node.clock().instant();
  }

  boolean draining() {
    return handingOff;
  }

  /** No job of this chain runs any more while it is handed over: it stops here. */
  void drained() {
    log.info("chain {}: handed over; its actor stops here", chainId);
    context.getSelf().tell(new JobchainActor.Leave());
  }

  /** Deleted or stopping: it fires nothing more and carries out no command. */
  boolean stopping() {
    return removed || draining();
  }

  /** Logged and written to error_message. */
  void report(Long runId, String text) {
    log.warn(text);
    runLog.message(runId, text);
  }

  /**
   * Waits for the next fire. A schedule whose next fire cannot be computed (the Catalog holds those
   * it can tell at once; some only fail months ahead) stops the chain firing, with one message, and
   * touches nothing else: a run in progress goes on.
   */
  void arm(ChainState state) {
    try {
      fireTimer.arm(state.lastFire());
    } catch (RuntimeException e) {
      fireTimer.disarm();
      report(null, "chain " + chainId + " is held and will not fire until its timestr changes: timestr '"
          + fireTimer.schedule().text() + "': " + e.getMessage());
      fireTimer.use(null);
    }
  }
}
