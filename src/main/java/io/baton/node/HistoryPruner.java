package io.baton.node;

import io.baton.db.HistoryRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps chain_run and job_run to {@code baton.history-retention}: shortly after start and then
 * hourly, deletes expired rows in batches of 500 with a pause between batches.
 */
public final class HistoryPruner {

  public sealed interface Command {}

  private record Prune() implements Command {}

  private record Pruned(int rows, Throwable error) implements Command {}

  static final int BATCH = 500;
  private static final Duration FIRST = Duration.ofSeconds(5);
  private static final Duration EVERY = Duration.ofHours(1);
  private static final Duration BETWEEN_BATCHES = Duration.ofMillis(200);

  private HistoryPruner() {}

  /** {@code launcher}: whose logs folder is swept of files as old as the pruned rows. */
  public static Behavior<Command> create(HistoryRepository history, Duration retention, Clock clock, Executor blocking,
      io.baton.exec.ProcessLauncher launcher) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(new Prune(), FIRST);
      int[] total = {0};
      return Behaviors.receive(Command.class)
          .onMessage(Prune.class, m -> {
            ctx.pipeToSelf(CompletableFuture.supplyAsync(
                () -> history.pruneEndedBefore(clock.instant().minus(retention), BATCH), blocking),
                Pruned::new);
            return Behaviors.same();
          })
          .onMessage(Pruned.class, m -> {
            if (m.error() != null) {
              ctx.getLog().warn("pruning run history failed (tried again in an hour): {}",
                  DatabaseOutage.rootMessage(m.error()));
              timers.startSingleTimer(new Prune(), EVERY);
            } else if (m.rows() > 0) {
              total[0] += m.rows();
              timers.startSingleTimer(new Prune(), BETWEEN_BATCHES); // more may be left
            } else {
              if (total[0] > 0) {
                ctx.getLog().info("pruned {} chain_run/job_run rows older than {}", total[0], retention);
                total[0] = 0;
              }
              sweepLogs(ctx, history, launcher, clock.instant().minus(retention), blocking);
              timers.startSingleTimer(new Prune(), EVERY);
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** Log files on this host go with their rows: each node sweeps its own logs folder. */
  private static void sweepLogs(org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx, HistoryRepository history,
      io.baton.exec.ProcessLauncher launcher, java.time.Instant cutoff, Executor blocking) {
    org.slf4j.Logger log = ctx.getLog();
    CompletableFuture.runAsync(() -> {
      try {
        io.baton.exec.LogSweeper.sweep(launcher.logsDir(), cutoff, launcher.openLogs(),
            runs -> history.runsToKeep(runs, cutoff));
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("sweeping the logs folder failed (tried again in an hour): {}", e.toString());
      }
    }, blocking);
  }
}
