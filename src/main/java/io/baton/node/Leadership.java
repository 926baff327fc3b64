package io.baton.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Decides whether this node fires chains and tells the guardian. A node alone on its database is
 * always the leader; this actor is where a lease on realtime_status takes that decision when
 * several nodes share one database, without the chain actors noticing the difference.
 */
public final class Leadership {

  public interface Command {}

  /** This node leads; every run it starts carries {@code epoch}. */
  public record Elected(long epoch) {}

  /** Epoch of the single-node leadership. */
  static final long SINGLE_NODE_EPOCH = 1;

  private Leadership() {}

  public static Behavior<Command> create(ActorRef<Elected> guardian) {
    return Behaviors.setup(ctx -> {
      ctx.getLog().info("leadership: this node leads (epoch {})", SINGLE_NODE_EPOCH);
      guardian.tell(new Elected(SINGLE_NODE_EPOCH));
      return Behaviors.empty();
    });
  }
}
