package io.baton.chain;

import io.baton.config.BatonSettings;
import io.baton.exec.ProcessLauncher;
import io.baton.node.NodeGauges;
import io.baton.node.Receiver;
import io.baton.node.RunIds;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/** What every chain actor of a node shares: settings, clock, process launcher and the writer. */
public record ChainContext(
    BatonSettings settings,
    Clock clock,
    ProcessLauncher launcher,
    Executor blocking,
    ActorRef<Receiver.Command> receiver,
    RunIds runIds,
    NodeGauges gauges,
    long epoch) {

  public RunLog runLog() {
    return new RunLog(receiver, settings.nodeName(), epoch);
  }
}
