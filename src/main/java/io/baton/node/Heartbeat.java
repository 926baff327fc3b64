package io.baton.node;

import io.baton.config.HostName;
import io.baton.db.StatusRepository;
import io.baton.exec.ProcessLauncher;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps this node's realtime_status row fresh: armed chains (timequeuesize), running processes
 * (replyqueuesize), log level (debugmode) and the time of the last job outcome.
 */
public final class Heartbeat {

  public sealed interface Command {}

  private record Beat() implements Command {}

  private record Beaten(String server, Throwable error) implements Command {}

  private Heartbeat() {}

  /**
   * {@code server}, when a backup connection is configured, tells which server connections reach
   * now: a move to the backup and back is logged once each.
   */
  public static Behavior<Command> create(StatusRepository status, String nodeName, RunIds runIds, NodeGauges gauges,
      ProcessLauncher launcher, Duration interval, Supplier<String> server, Executor blocking) {
    String host = HostName.get();
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      DatabaseOutage outage = new DatabaseOutage(ctx.getLog(), "refreshing the heartbeat");
      String[] lastServer = {null};
      timers.startTimerWithFixedDelay(new Beat(), Duration.ZERO, interval);
      String level = LogLevel.current();
      return Behaviors.receive(Command.class)
          .onMessage(Beat.class, m -> {
            int armed = gauges.armedChains();
            int running = launcher.running();
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
              status.heartbeat(new StatusRepository.Beat(nodeName, host, runIds.nodeNumber(), runIds.reservedUpTo(),
                  armed, running, level, gauges.lastJobOutcome()));
              return server == null ? null : server.get();
            }, blocking), Beaten::new);
            return Behaviors.same();
          })
          .onMessage(Beaten.class, m -> {
            if (m.error() == null) {
              outage.ended();
              if (m.server() != null && !m.server().equals(lastServer[0])) {
                if (lastServer[0] != null) {
                  ctx.getLog().warn("database: connections now reach {} (they reached {})", m.server(), lastServer[0]);
                }
                lastServer[0] = m.server();
              }
            } else if (m.error().getCause() instanceof StatusRepository.NameTakenException taken) {
              // two processes must never act under one name: this one, silent too long, gives way
              ctx.getLog().error("{}; this node stops", taken.getMessage());
              CoordinatedShutdown.get(ctx.getSystem()).runAll(CoordinatedShutdown.unknownReason());
            } else {
              outage.started(m.error(), 0);
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
