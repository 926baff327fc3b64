package io.baton.chain;

import io.baton.config.BatonSettings;
import io.baton.exec.ProcessLauncher;
import io.baton.node.LeaseGuard;
import io.baton.node.NodeGauges;
import io.baton.node.Receiver;
import io.baton.node.RunIds;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every chain actor of a node shares: settings, clock, process launcher, the writer, the
 * lease guard that says whether this node may act as leader right now, and the runs recorded as
 * begun when it was elected.
 */
public record ChainContext(
    BatonSettings settings,
    Clock clock,
    ProcessLauncher launcher,
    Executor blocking,
    ActorRef<Receiver.Command> receiver,
    RunIds runIds,
    NodeGauges gauges,
    LeaseGuard guard,
    BegunRuns begunRuns,
    RunMetrics metrics) {

  public RunLog runLog() {
    return new RunLog(receiver, settings.nodeName(), guard);
  }

  /** The leader epoch new runs and job starts are recorded under. */
  public long epoch() {
    return guard.epoch();
  }
}
