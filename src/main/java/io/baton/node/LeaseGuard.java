package io.baton.node;

import java.time.Duration;

/**
 * Whether this node may act as leader right now, judged on its own monotonic clock: a renewal
 * sent at time t keeps the lease until t + ttl on the database's clock, so acting stops a safety
 * margin before that. After a pause (GC, SIGSTOP, suspended VM) the deadline has passed the
 * moment the node runs again, before it can fire or start anything.
 *
 * <p>One node runs per JVM; the journal plugin, which Pekko builds itself, finds the guard here.
 */
public final class LeaseGuard implements io.baton.chain.LeaderGuard {

  public enum State { LEADING, FENCED, STANDBY }

  private static volatile LeaseGuard current = new LeaseGuard(null);

  private volatile long validUntilNanos = Long.MIN_VALUE;
  private volatile boolean deposed = true;
  private volatile long epoch = -1;
  private final String nodeName;

  private LeaseGuard(String nodeName) {
    this.nodeName = nodeName;
  }

  public static LeaseGuard current() {
    return current;
  }

  /** A fresh guard for a node that is starting (tests start several nodes one after another). */
  static LeaseGuard install() {
    return install(null);
  }

  /** As {@link #install()}, for the node of that name: its journal writes are fenced by its lease. */
  static LeaseGuard install(String nodeName) {
    current = new LeaseGuard(nodeName);
    return current;
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
