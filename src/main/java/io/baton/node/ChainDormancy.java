package io.baton.node;

import io.baton.chain.Dormancy;
import io.baton.chain.JobchainActor;
import io.baton.chain.OutcomeSink;
import io.baton.db.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * How one chain actor of this node sleeps: recorded as awake in baton_awake_chain before it acts,
 * recorded as asleep (with its wake instant) after its last outcome when it sleeps, an entry in the
 * node's {@link ChainWheel} meanwhile, and stopped by its shard (passivation: a message for it
 * meanwhile starts it again).
 */
record ChainDormancy(long chainId, int shard, long token, Duration sleepBeyond, AwakeRegister awakeRegister,
    ChainWheel wheel, OutcomeSink outcomes, ActorRef<ClusterSharding.ShardCommand> shardRef, ActorSystem<?> system)
    implements Dormancy {

  @Override
  public CompletionStage<Void> register() {
    return awakeRegister.register(chainId, shard, token);
  }

  @Override
  public boolean sleeps(Instant nextFire, Instant now) {
    return nextFire == null || Duration.between(now, nextFire).compareTo(sleepBeyond) > 0;
  }

  @Override
  public void sleep(Instant nextFire, Instant firesFrom, ActorRef<JobchainActor.Command> self) {
    Instant wakeAt = nextFire == null ? null : nextFire.minus(ChainWheel.WAKE_AHEAD);
    // after the chain's outcomes, in order
    outcomes.write(new RunRecord.ChainAsleep(chainId, token, wakeAt, firesFrom));
    wheel.sleep(chainId, shard, wakeAt, firesFrom);
    shardRef.tell(new ClusterSharding.Passivate<>(self));
  }

  @Override
  public void redeliver(JobchainActor.Command command) {
    ChainShards.chain(system, chainId).tell(command);
  }

  @Override
  public void forget() {
    outcomes.write(new RunRecord.ChainForgotten(chainId));
    wheel.forget(chainId);
  }
}
