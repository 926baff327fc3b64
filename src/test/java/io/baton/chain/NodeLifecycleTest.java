package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.dep;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.chain.ChainEvent.RunFinished;
import io.baton.definition.ChainDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the node asks of a chain: Remove (its row was deleted), HandOff (its shard moves, or its node
 * stops: fire nothing more, start no process, stop once no job runs, interrupting the jobs still
 * running when the shutdown grace is over). The chain has two levels and fires every minute; its
 * run for 10:01 is under way at 10:01:30.
 */
class NodeLifecycleTest {
  private static final ChainDefinition CHAIN = chain("@every 1m", job(1, 1), job(2, 2));
  private static final Instant FIRE = at("2026-06-01T10:01:00Z");

  private static ChainFixture running() {
    ChainFixture node = ChainFixture.start(CHAIN, at("2026-06-01T10:00:10Z"));
    node.advanceTo("2026-06-01T10:01:30Z");
    return node;
  }

  @Test
  void aChainRemovedWhileIdleStopsAndFiresNoMore() {
    try (ChainFixture node = ChainFixture.start(CHAIN, at("2026-06-01T10:00:10Z"))) {
      node.tell(new JobchainActor.Remove());
      node.assertStopped();
      node.advanceTo("2026-06-01T10:05:00Z");
      assertEquals(List.of(), node.events());
      assertEquals(List.of(), node.host.all());
    }
  }

  @Test
  void aChainRemovedWhileRunningFinishesItsRunThenStopsAndFiresNoMore() {
    try (ChainFixture node = running()) {
      node.tell(new JobchainActor.Remove());
      node.advanceTo("2026-06-01T10:03:30Z");
      node.exitJob(1, 0);
      node.advanceTo("2026-06-01T10:03:40Z");
      node.exitJob(2, 0);
      assertEquals("SUCCESS", node.ledger.runAt(FIRE).status(), "the run in progress finishes");
      node.assertStopped();
      node.advanceTo("2026-06-01T10:06:00Z");
      assertEquals(List.of(FIRE), node.ledger.scheduledTimes());
      assertEquals(List.of(), node.ledger.messages(), "no fire was skipped: none was armed");
    }
  }

  @Test
  void aHandOffLetsTheRunningJobFinishStartsNoLevelAndTheNextHostResumesTheRun() {
    try (ChainFixture node = running()) {
      node.handOff();
      assertEquals(0, node.host.job(1).stops(), "the job is let finish");

      node.advanceTo("2026-06-01T10:01:40Z");
      node.exitJob(1, 0);
      node.assertStopped();
      assertEquals(List.of(1L), node.host.jobIds(),
          "level 2 does not start on a node that gives the chain up");
      Ledger.Run interrupted = node.ledger.runAt(FIRE);
      assertEquals("INTERRUPTED", interrupted.status());
      assertEquals(at("2026-06-01T10:01:40Z"), interrupted.endTime());
      assertEquals(List.of(), node.events(RunFinished.class), "the journal keeps the run for the next host");
      node.advanceTo("2026-06-01T10:03:00Z");
      assertEquals(List.of(FIRE), node.ledger.scheduledTimes(), "nothing fires once handed over");

      node.downFor(Duration.ofSeconds(20)); // the node stopped; the next one starts at 10:03:20
      only(node.ledger.messages("RECOVERY: run " + interrupted.runId(), "re-running step level 2"));
      assertEquals(at("2026-06-01T10:03:20Z"), node.host.job(2).startTime());
      assertEquals(1, node.host.job(2).attempt());
      node.exitJob(2, 0);
      assertEquals("SUCCESS", node.ledger.runAt(FIRE).status());
    }
  }

  @Test
  void theJobsStillRunningWhenTheGraceIsOverAreStoppedAndTheNextHostRunsThemAgainWithAHigherAttempt() {
    try (ChainFixture node = running()) {
      node.handOff();
      node.advanceTo("2026-06-01T10:02:01Z"); // the shutdown grace (30 s) is over
      assertEquals(1, node.host.job(1).stops());
      node.assertStopped();
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("INTERRUPTED", run.status());
      assertEquals("INTERRUPTED", only(node.ledger.jobs(run.runId())).status());

      node.downFor(Duration.ofSeconds(30));
      FakeHost.FakeProcess again = node.host.job(1);
      assertEquals(2, again.attempt());
      assertEquals(run.runId(), again.runId());
      node.exitJob(1, 0);
      node.exitJob(2, 0);
      assertEquals("SUCCESS", node.ledger.run(run.runId()).status());
    }
  }

  @Test
  void anIdleChainHandedOverStopsAtOnceAndNothingFiresAfter() {
    try (ChainFixture node = ChainFixture.start(CHAIN, at("2026-06-01T10:00:10Z"))) {
      node.handOff();
      node.assertStopped();
      node.advanceTo("2026-06-01T10:03:00Z");
      assertEquals(List.of(), node.events());
    }
  }

  @Test
  void aHandOffWhileTheDependenciesAreCheckedStopsTheChecksAndTheChainAtOnce() {
    ChainDefinition withDependency = chain("@every 1h", 10, List.of(dep(7)), job(1, 1));
    try (ChainFixture node = ChainFixture.start(withDependency, at("2026-06-01T10:59:50Z"))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      node.handOff();
      node.assertStopped();
      assertEquals(1, node.host.check(7).stops());
      assertEquals("INTERRUPTED", node.ledger.runAt(at("2026-06-01T11:00:00Z")).status());
      node.advanceTo("2026-06-01T11:01:00Z");
      assertEquals(1, node.host.checks().size(), "no check is asked again on a node that gave the chain up");
      assertEquals(List.of(), node.events(RunFinished.class), "the next host asks them again");
    }
  }
}
