package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The leader's guard: it leads until a margin before its lease can expire, and not at all once deposed. */
class LeaseGuardTest {

  @Test
  void aGuardLeadsAfterARenewalUntilItsMarginAndStandsByOnceDeposed() {
    LeaseGuard guard = new LeaseGuard();
    assertEquals(LeaseGuard.State.STANDBY, guard.state(), "before its first election");

    guard.renewed(System.nanoTime(), Duration.ofHours(1), Duration.ofSeconds(1), 7);
    assertEquals(LeaseGuard.State.LEADING, guard.state());
    assertEquals(7, guard.epoch());

    guard.renewed(System.nanoTime() - Duration.ofHours(2).toNanos(), Duration.ofHours(1), Duration.ofSeconds(1), 7);
    assertEquals(LeaseGuard.State.FENCED, guard.state(), "its last renewal is older than the ttl");

    guard.depose();
    assertEquals(LeaseGuard.State.STANDBY, guard.state());
  }
}
