package io.baton.node;

import java.time.Duration;

/** Lease guards for tests of actors that act only while their node leads. */
public final class TestGuards {
  private TestGuards() {}

  /** A guard that leads, under epoch 1, for the next hour. */
  public static LeaseGuard leading() {
    LeaseGuard guard = new LeaseGuard();
    guard.renewed(System.nanoTime(), Duration.ofHours(1), Duration.ZERO, 1);
    return guard;
  }
}
