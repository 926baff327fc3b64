package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static io.baton.chain.Chains.switched;
import static io.baton.chain.Chains.withTimestr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.definition.ChainDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run journaled ahead of its fire and taken back before the instant (switched OFF, rescheduled,
 * deleted, the node stopping): RunWithdrawn, nothing started, no chain_run row; the fire was never
 * taken. The chain fires every minute; its run for 10:01 is journaled at 10:00:59.
 */
class WithdrawTest {
  private static final ChainDefinition CHAIN = chain("@every 1m", job(1, 1));
  private static final Instant FIRE = at("2026-06-01T10:01:00Z");

  /** A node whose run for 10:01 is journaled and has not begun. */
  private static ChainFixture journaledAhead() {
    ChainFixture node = ChainFixture.start(CHAIN, at("2026-06-01T10:00:10Z"));
    node.advanceTo("2026-06-01T10:00:59.500Z");
    assertEquals(FIRE, only(node.events(RunStarted.class)).scheduledTime());
    return node;
  }

  private static void assertNothingBegan(ChainFixture node) {
    assertEquals(List.of(), node.host.all(), "no process");
    assertEquals(List.of(), node.ledger.runs(), "no chain_run row");
  }

  @Test
  void switchedOffBeforeItsInstantTheRunIsWithdrawnAndSwitchingOnLaterReplaysNoFire() {
    try (ChainFixture node = journaledAhead()) {
      long runId = only(node.events(RunStarted.class)).runId();
      assertEquals(List.of(new RunWithdrawn(runId, null)), node.define(switched(CHAIN, false)));
      assertNull(node.state().active());
      assertNull(node.state().lastFire(), "the fire was never taken");
      node.advanceTo("2026-06-01T10:03:10Z");
      assertNothingBegan(node);

      node.define(CHAIN);
      node.advanceTo("2026-06-01T10:04:00Z");
      assertEquals(List.of(at("2026-06-01T10:04:00Z")),
          node.ledger.scheduledTimes(), "fires while OFF are not run");
    }
  }

  @Test
  void rescheduledBeforeItsInstantTheRunIsWithdrawnAndTheNewScheduleTakesOver() {
    try (ChainFixture node = journaledAhead()) {
      only(node.define(withTimestr(CHAIN, "@every 2m")));
      assertEquals(RunWithdrawn.class, node.lastEvent().getClass());
      node.advanceTo("2026-06-01T10:01:30Z");
      assertNothingBegan(node);
      node.advanceTo("2026-06-01T10:02:00Z");
      assertEquals(List.of(at("2026-06-01T10:02:00Z")), node.ledger.scheduledTimes());
    }
  }

  @Test
  void aChainDeletedBeforeItsInstantWithdrawsTheRunAndFiresNoMore() {
    try (ChainFixture node = journaledAhead()) {
      node.tell(new JobchainActor.Remove());
      node.assertStopped();
      node.advanceTo("2026-06-01T10:05:00Z");
      assertNothingBegan(node);
      assertEquals(List.of(RunStarted.class, RunWithdrawn.class),
          node.events().stream().filter(e -> !(e instanceof ChainEvent.LevelStarted
              || e instanceof ChainEvent.DependenciesPassed)).map(Object::getClass).toList());
    }
  }

  @Test
  void aNodeStoppingBeforeTheInstantWithdrawsTheRunAndTheNextStartCountsTheFireAsMissed() {
    try (ChainFixture node = ChainFixture.start(CHAIN, at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:01:00Z"); // the chain has fired once: 10:01
      node.exitJob(1, 0);
      node.advanceTo("2026-06-01T10:01:59.500Z"); // its run for 10:02 is journaled

      node.handOff();
      node.assertStopped();
      assertEquals(RunWithdrawn.class, node.lastEvent().getClass());
      node.advanceTo("2026-06-01T10:02:30Z");
      assertEquals(1, node.ledger.runs().size(), "the run for 10:02 never began");

      node.downFor(Duration.between(node.now(), at("2026-06-01T10:04:10Z")));
      Ledger.Run catchUp = node.ledger.runAt(at("2026-06-01T10:04:00Z"));
      assertEquals("MISFIRE", catchUp.trigger());
      assertEquals(at("2026-06-01T10:04:10Z"), catchUp.startTime());
      assertEquals(2, node.ledger.runs().size());
      assertEquals("chain 12: MISFIRE: 3 fire(s) missed while no node ran it, between 2026-06-01T10:02:00Z and"
          + " 2026-06-01T10:04:00Z; the latest (2026-06-01T10:04:00Z) runs now as one catch-up run",
          only(node.ledger.messages()).msg());
    }
  }

  /**
   * The same for the chain's very first fire: the node stops a moment before it, and when it
   * starts again that fire and the ones after it fell while no node ran the chain. A crash at the
   * same moment gives a catch-up run (RecoveryTest); a graceful stop must not lose them.
   */
  @Test
  void aNodeStoppingJustBeforeAChainsFirstFireDoesNotLoseThatFire() {
    try (ChainFixture node = journaledAhead()) {
      node.handOff();
      node.assertStopped();
      node.downFor(Duration.between(node.now(), at("2026-06-01T10:03:10Z")));

      assertEquals(List.of(at("2026-06-01T10:03:00Z")),
          node.ledger.scheduledTimes(), "one catch-up run for the latest");
      only(node.ledger.messages("MISFIRE: 3 fire(s) missed", "between 2026-06-01T10:01:00Z and 2026-06-01T10:03:00Z"));
    }
  }
}
