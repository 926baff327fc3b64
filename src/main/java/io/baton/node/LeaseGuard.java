package io.baton.node;

import java.time.Duration;

/**
 * Whether this node may act as leader (the node-wide chores: operators' commands, held-chain
 * messages, history pruning) right now, judged on its own monotonic clock: a renewal sent at time
 * t keeps the lease until t + ttl on the database's clock, so acting stops a safety margin before
 * that. After a pause (GC, SIGSTOP, suspended VM) the deadline has passed the moment the node runs
 * again, before it can act.
 */
public final class LeaseGuard implements io.baton.chain.LeaderGuard {

  public enum State { LEADING, FENCED, STANDBY }

  private volatile long validUntilNanos = Long.MIN_VALUE;
  private volatile boolean deposed = true;
  private volatile long epoch = -1;
  private volatile boolean othersAlive = true; // until the database says otherwise

  /** A renewal sent at {@code sentNanos} succeeded. */
  void renewed(long sentNanos, Duration ttl, Duration margin, long leaseEpoch) {
    validUntilNanos = sentNanos + ttl.minus(margin).toNanos();
    epoch = leaseEpoch;
    deposed = false;
  }

  /** The epoch this node leads (or last led) under; -1 before its first election. */
  @Override
  public long epoch() {
    return epoch;
  }

  /** What the lease's last answer said: whether another node's heartbeat is younger than the ttl. */
  void othersAlive(boolean alive) {
    othersAlive = alive;
  }

  /** Whether another node was alive at the last look (true before the first): one that may accept commands. */
  public boolean othersAlive() {
    return othersAlive;
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

  /** True while this node may act as leader. */
  @Override
  public boolean leading() {
    return state() == State.LEADING;
  }
}
