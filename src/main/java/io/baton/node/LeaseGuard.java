package io.baton.node;

import java.time.Duration;
import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.ExtensionSetup;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Whether this node may act as leader right now, judged on its own monotonic clock: a renewal
 * sent at time t keeps the lease until t + ttl on the database's clock, so acting stops a safety
 * margin before that. After a pause (GC, SIGSTOP, suspended VM) the deadline has passed the
 * moment the node runs again, before it can fire or start anything.
 *
 * <p>Each node's actor system carries its node's guard (a Pekko extension), so the journal plugin,
 * which Pekko builds itself, fences its writes by the lease of the node it writes for, however many
 * nodes share the JVM.
 */
public final class LeaseGuard implements Extension, io.baton.chain.LeaderGuard {

  public enum State { LEADING, FENCED, STANDBY }

  /** An actor system started without a node's guard gets one that never leads and fences nothing. */
  private static final ExtensionId<LeaseGuard> ID = new ExtensionId<>() {
    @Override
    public LeaseGuard createExtension(ActorSystem<?> system) {
      return new LeaseGuard(null);
    }
  };

  private volatile long validUntilNanos = Long.MIN_VALUE;
  private volatile boolean deposed = true;
  private volatile long epoch = -1;
  private final String nodeName;

  /** A standing-by guard for the node of that name; null where no lease fences the journal (tests of single actors). */
  LeaseGuard(String nodeName) {
    this.nodeName = nodeName;
  }

  /** The guard of the node this actor system runs. */
  public static LeaseGuard get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public static LeaseGuard get(org.apache.pekko.actor.ActorSystem system) {
    return get(Adapter.toTyped(system));
  }

  /** What the node's actor system is created with, so that {@link #get} answers this guard there. */
  Setup setup() {
    return new Attached(this);
  }

  private static final class Attached extends ExtensionSetup<LeaseGuard> {
    Attached(LeaseGuard guard) {
      super(ID, system -> guard);
    }
  }

  /** The node whose lease fences the journal's writes; null where none does (tests of single actors). */
  public String nodeName() {
    return nodeName;
  }

  /** A renewal sent at {@code sentNanos} succeeded. */
  void renewed(long sentNanos, Duration ttl, Duration margin, long leaseEpoch) {
    validUntilNanos = sentNanos + ttl.minus(margin).toNanos();
    epoch = leaseEpoch;
    deposed = false;
  }

  /** The wall-clock instant this node stops acting as leader unless it renews first. */
  java.time.Instant validUntil() {
    return java.time.Instant.now().plusNanos(validUntilNanos - System.nanoTime());
  }

  /** The epoch this node leads (or last led) under; -1 before its first election. */
  @Override
  public long epoch() {
    return epoch;
  }

  /** Another node holds the lease (or this one stopped): nothing may be done as leader. */
  void depose() {
    deposed = true;
    validUntilNanos = Long.MIN_VALUE;
  }

  public State state() {
    if (deposed) {
      return State.STANDBY;
    }
    return System.nanoTime() - validUntilNanos < 0 ? State.LEADING : State.FENCED;
  }

  /** True while this node may fire chains, start processes and write as leader. */
  @Override
  public boolean leading() {
    return state() == State.LEADING;
  }
}
