package io.baton.node;

import io.baton.chain.ChainContext;
import io.baton.chain.JobchainActor;
import io.baton.chain.JobchainActor.Command;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The entities of a shard that are not chains. A shard's keeper ({@code shard-<n>}) starts with its
 * shard wherever the shard comes to live, and wakes every chain of the shard the node's catalog
 * knows: Cluster Sharding starts an entity only for a message, and a chain must be running to fire.
 */
final class ShardKeeper {
  private ShardKeeper() {}

  static Behavior<Command> create(int shard, Supplier<Set<Long>> chainIds) {
    return Behaviors.setup(ctx -> {
      int woken = 0;
      for (long chainId : chainIds.get()) {
        if (ChainShards.shardOf(chainId) == shard) {
          ChainShards.chain(ctx.getSystem(), chainId).tell(new JobchainActor.Wake());
          woken++;
        }
      }
      ctx.getLog().debug("shard {} started here: {} chain(s) woken", shard, woken);
      return Behaviors.receive(Command.class)
          .onMessage(JobchainActor.HandOff.class, m -> Behaviors.stopped())
          .onAnyMessage(m -> Behaviors.same())
          .build();
    });
  }

  /**
   * A chain started before this node's catalog had its definition (the node has just started):
   * its commands wait for the definition, then it runs as any chain; told Remove, it stops.
   */
  static Behavior<Command> awaitingDefinition(ChainContext chain) {
    return Behaviors.withStash(1_000, stash -> Behaviors.receive(Command.class)
        .onMessage(JobchainActor.Define.class, d -> stash.unstashAll(
            JobchainActor.create(chain, d.definition(), d.schedule())))
        .onMessage(JobchainActor.Remove.class, m -> Behaviors.stopped())
        .onMessage(JobchainActor.HandOff.class, m -> Behaviors.stopped())
        .onMessage(JobchainActor.Operate.class, m -> {
          if (!stash.isFull()) { // else dropped: the command desk hands it over again
            stash.stash(m);
          }
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build());
  }
}
