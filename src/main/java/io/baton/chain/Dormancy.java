package io.baton.chain;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * An idle chain costs its node almost nothing: its actor stops, and the node's timer wheel wakes it
 * shortly before its next fire, or a command does. What the node does for the chain around that.
 */
public interface Dormancy {

  /**
   * Recorded before the chain does anything: while it is awake, a node that takes its shard after a
   * crash wakes it at once (it may have a run in progress, or outcomes not yet written).
   */
  CompletionStage<Void> register();

  /** Whether an idle chain whose next fire is {@code nextFire} (null: none) goes to sleep now. */
  boolean sleeps(Instant nextFire, Instant now);

  /**
   * The chain goes to sleep until shortly before {@code nextFire} (null: until a change or a
   * command wakes it); its outcomes so far are written first, and its actor stops. Fires before
   * {@code firesFrom} are not owed (switched ON or rescheduled then): its next actor is told so.
   */
  void sleep(Instant nextFire, Instant firesFrom, ActorRef<JobchainActor.Command> self);

  /** A command that reached the chain as it went to sleep: handed to its next actor. */
  void redeliver(JobchainActor.Command command);

  /** The chain was deleted: nothing wakes it again. */
  void forget();

  /** A chain that never sleeps (a chain outside a cluster, in tests). */
  Dormancy NEVER = new Dormancy() {
    @Override
    public CompletionStage<Void> register() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean sleeps(Instant nextFire, Instant now) {
      return false;
    }

    @Override
    public void sleep(Instant nextFire, Instant firesFrom, ActorRef<JobchainActor.Command> self) {
      throw new IllegalStateException("this chain never sleeps");
    }

    @Override
    public void redeliver(JobchainActor.Command command) {}

    @Override
    public void forget() {}
  };
}
