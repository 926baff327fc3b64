package io.baton.node;

import io.baton.db.StatusRepository;
import io.baton.exec.ProcessLauncher;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps this node's realtime_status row fresh: armed chains (timequeuesize), running processes
 * (replyqueuesize), log level (debugmode) and the time of the last job outcome.
 */
public final class Heartbeat {

  public sealed interface Command {}

  private record Beat() implements Command {}

  private record Beaten(Throwable error) implements Command {}

  private Heartbeat() {}

  public static Behavior<Command> create(StatusRepository status, String nodeName, NodeGauges gauges,
      ProcessLauncher launcher, Duration interval, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      DatabaseOutage outage = new DatabaseOutage(ctx.getLog(), "refreshing the heartbeat");
      timers.startTimerWithFixedDelay(new Beat(), Duration.ZERO, interval);
      String level = LogLevel.current();
      return Behaviors.receive(Command.class)
          .onMessage(Beat.class, m -> {
            int armed = gauges.armedChains();
            int running = launcher.running();
            ctx.pipeToSelf(CompletableFuture.runAsync(
                () -> status.heartbeat(nodeName, armed, running, level, gauges.lastJobOutcome()), blocking),
                (ok, error) -> new Beaten(error));
            return Behaviors.same();
          })
          .onMessage(Beaten.class, m -> {
            if (m.error() == null) {
              outage.ended();
            } else {
              outage.started(m.error(), 0);
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
