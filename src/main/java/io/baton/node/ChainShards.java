package io.baton.node;

import io.baton.chain.JobchainActor;
import io.baton.chain.LeaderGuard;
import io.baton.cluster.ActiveSiteAllocation;
import io.baton.cluster.DatabaseLease;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.coordination.lease.javadsl.LeaseProvider;

/**
 * Chains as Cluster Sharding entities: entity id = chain id, in shard {@code id mod 30}. A shard
 * runs on the node that holds its lease ({@code baton-shard-chain-<shard>} in baton_lease), and
 * everything its chains decide and start is fenced by that lease and recorded under its epoch.
 * Each shard also has a keeper entity ({@code shard-<n>}) that wakes the shard's due chains wherever
 * the shard comes to live and puts the others in the node's timer wheel; every node reminds the
 * keepers now and then, so a shard whose node died starts again on another node without waiting
 * for a chain's message. An idle chain is passivated (its shard stops it) until the wheel wakes it.
 */
public final class ChainShards {

  public static final EntityTypeKey<JobchainActor.Command> TYPE =
      EntityTypeKey.create(JobchainActor.Command.class, "chain");

  /** Shards of chains: pekko.cluster.sharding.number-of-shards, the same on every node. */
  static final int COUNT = 30;

  private static final String KEEPER = "shard-";

  private ChainShards() {}

  /** Starts this node's share of the chains; {@code entities} builds a chain (or keeper) by its entity's context. */
  static ActorRef<ShardingEnvelope<JobchainActor.Command>> init(ActorSystem<?> system,
      Function<EntityContext<JobchainActor.Command>, Behavior<JobchainActor.Command>> entities) {
    return ClusterSharding.get(system).init(Entity.of(TYPE, entities::apply)
        .withMessageExtractor(new Extractor())
        .withAllocationStrategy(ActiveSiteAllocation.of(system))
        .withStopMessage(new JobchainActor.HandOff()));
  }

  static EntityRef<JobchainActor.Command> chain(ActorSystem<?> system, long chainId) {
    return ClusterSharding.get(system).entityRefFor(TYPE, String.valueOf(chainId));
  }

  static EntityRef<JobchainActor.Command> keeper(ActorSystem<?> system, int shard) {
    return ClusterSharding.get(system).entityRefFor(TYPE, KEEPER + shard);
  }

  /** The shard a keeper's entity id names, or -1 for a chain's. */
  static int keeperShard(String entityId) {
    return entityId.startsWith(KEEPER) ? Integer.parseInt(entityId.substring(KEEPER.length())) : -1;
  }

  static int shardOf(long chainId) {
    return Math.floorMod(chainId, COUNT);
  }

  /** The lease of the chain's shard as this node holds it (or not): the one Pekko's shard acquires. */
  static DatabaseLease leaseOf(ActorSystem<?> system, long chainId) {
    // the name and owner Pekko's Shard gives its lease: "<system>-shard-<type>-<shard>", the node's host:port
    String name = system.name() + "-shard-" + TYPE.name() + "-" + shardOf(chainId);
    String owner = Cluster.get(system).selfMember().address().hostPort();
    return (DatabaseLease) LeaseProvider.get(Adapter.toClassic(system)).getLease(name, PekkoConfig.DATABASE_LEASE, owner);
  }

  /** The chain a journal's persistence id belongs to ("chain-12"), or null for another one. */
  static Long chainOf(String persistenceId) {
    if (!persistenceId.startsWith("chain-")) {
      return null;
    }
    try {
      return Long.parseLong(persistenceId.substring("chain-".length()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A chain may act while this node holds its shard's lease, and records what it does under its epoch. */
  record ShardGuard(DatabaseLease lease) implements LeaderGuard {
    @Override
    public boolean leading() {
      return lease.checkLease();
    }

    @Override
    public long epoch() {
      return lease.heldEpoch();
    }
  }

  /** Entity id = the chain's id (or a keeper's "shard-n"); its shard = id mod {@link #COUNT}. */
  static final class Extractor
      extends ShardingMessageExtractor<ShardingEnvelope<JobchainActor.Command>, JobchainActor.Command> {
    @Override
    public String entityId(ShardingEnvelope<JobchainActor.Command> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      int keeper = keeperShard(entityId);
      return String.valueOf(keeper >= 0 ? keeper : shardOf(Long.parseLong(entityId)));
    }

    @Override
    public JobchainActor.Command unwrapMessage(ShardingEnvelope<JobchainActor.Command> envelope) {
      return envelope.message();
    }
  }
}
