package io.baton.node;

import io.baton.cluster.ClusterView;
import io.baton.cluster.DatabaseLease;
import io.baton.cluster.LeaseStore;
import io.baton.exec.ProcessLauncher;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Tells the process reaper (a companion process outside the JVM) when this node's shard leases run
 * out unless renewed: should the JVM freeze with another node about, the reaper kills every process
 * tree at that moment, before another node can take the shards and start the same jobs. A node
 * alone sets no deadline: nobody could start its jobs, so they go on through a pause or an outage.
 * (While the JVM runs, a lost lease stops its shard, and the shard's chains kill their processes.)
 *
 * <p>A node cut off from the database while other nodes are alive (its leases were lost for
 * unanswered renewals) tells the guardian, which stops its shards for the others to take: they are
 * still in touch with it, so the cluster would otherwise leave its shards with it, where they cannot run.
 */
final class ShardFence {
  private ShardFence() {}

  /**
   * A renewal moves the deadline by seconds: the reaper hears of it within a tenth of the lease's
   * ttl, at most a second, while the deadline it knows is still most of a ttl off (the ttl less the
   * safety margin and the time between renewals: over 6 s with the default 10 s).
   */
  static Duration checkEvery(Duration leaseTtl) {
    Duration tenth = leaseTtl.dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? tenth : Duration.ofSeconds(1);
  }

  static Behavior<String> create(ProcessLauncher launcher, Duration leaseTtl, Runnable cutOff) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay("check", checkEvery(leaseTtl));
      LeaseStore store = LeaseStore.get(ctx.getSystem());
      org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(ctx.getSystem());
      Instant[] told = {null};
      return Behaviors.receiveMessage(tick -> {
        if (store.takeCutOff()) {
          cutOff.run();
        }
        Instant deadline = null;
        if (ClusterView.othersPresent(classic)) {
          deadline = store.held().stream()
              .filter(lease -> lease.name().startsWith(ctx.getSystem().name() + "-shard-"))
              .map(DatabaseLease::actsUntil).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
        }
        // the reaper hears only of a change worth telling (a renewal moves the deadline by seconds)
        if (!Objects.equals(deadline, told[0]) && (deadline == null || told[0] == null
            || Duration.between(told[0], deadline).abs().toMillis() > 100)) {
          launcher.fenceAt(deadline);
          told[0] = deadline;
        }
        return Behaviors.same();
      });
    }));
  }
}
