package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.dep;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dependency checks (SPEC 3.3): exit 0 passed, exit 1 asked again after the poll interval, any
 * other exit or a check past its ottime DEP_ERROR, not all passed within dep_ot DEP_TIMEOUT.
 * The chain fires at 11:00.
 */
class DependencyTest {
  private static final Instant FIRE = at("2026-06-01T11:00:00Z");

  private static ChainFixture fired(double depOtMinutes, DependencyDefinition... deps) {
    ChainDefinition chain = chain("@every 1h", depOtMinutes, List.of(deps), job(1, 1));
    ChainFixture node = ChainFixture.start(chain, at("2026-06-01T10:59:50Z"));
    node.advanceTo(FIRE);
    return node;
  }

  @Test
  void aCheckNotYetPassedIsAskedAgainAfterThePollIntervalAndJobsWaitForEveryDependency() {
    try (ChainFixture node = fired(10, dep(7), dep(8))) {
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals(FIRE, run.startTime(), "chain_run is written at the fire, before any check passes");
      assertNull(run.depPassTs());
      // both checks start at once, in no promised order
      assertEquals(List.of(7L, 8L), node.host.checkIds().stream().sorted().toList());
      node.host.checks().forEach(check -> assertEquals(FIRE, check.startTime()));

      node.exitCheck(7, 0);
      node.advanceTo("2026-06-01T11:00:05Z");
      node.exitCheck(8, 1);
      assertEquals(List.of(7L), node.events(DependencyPassed.class).stream().map(DependencyPassed::dependencyId).toList());
      assertEquals(List.of(), node.host.jobs(), "a dependency has not passed yet");
      assertEquals("NOT_PASSED", only(node.ledger.processes(p -> p.refId() == 8)).status());

      node.advanceTo("2026-06-01T11:00:34.999Z");
      assertEquals(2, node.host.checks().size(), "not asked again before the poll interval");
      node.advanceTo("2026-06-01T11:00:35Z");
      assertEquals(List.of(7L, 8L, 8L), node.host.checkIds().stream().sorted().toList(),
          "the passed dependency is not run again");
      assertEquals(2, node.host.check(8).attempt(), "job_run numbers the checks");

      node.advanceTo("2026-06-01T11:00:40Z");
      node.exitCheck(8, 0);
      only(node.events(DependenciesPassed.class));
      assertEquals(at("2026-06-01T11:00:40Z"), node.ledger.run(run.runId()).depPassTs());
      assertEquals(at("2026-06-01T11:00:40Z"), node.host.job(1).startTime());
    }
  }

  @Test
  void dependenciesNotPassedWhenTheDepOtWindowClosesEndTheRunDepTimeout() {
    try (ChainFixture node = fired(1, dep(7))) {
      node.advanceTo("2026-06-01T11:00:01Z");
      node.exitCheck(7, 1);
      node.advanceTo("2026-06-01T11:00:59.999Z");
      FakeHost.FakeProcess second = node.host.check(7);
      assertEquals(2, second.attempt());

      node.advanceTo("2026-06-01T11:01:00Z");
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("DEP_TIMEOUT", run.status());
      assertEquals(at("2026-06-01T11:01:00Z"), run.endTime());
      assertEquals(1, second.stops(), "the check still running is stopped");
      assertEquals("CANCELLED", node.ledger.processes(p -> p.attempt() == 2).get(0).status());
      assertEquals("chain 12 run " + run.runId() + ": dependencies 7 had not passed within dep_ot = 1.0 min;"
          + " run ends DEP_TIMEOUT", only(node.ledger.messages()).msg());
      node.advanceTo("2026-06-01T11:05:00Z");
      assertEquals(2, node.host.checks().size(), "no check after the run ended");
      assertEquals(List.of(), node.host.jobs());
    }
  }

  @Test
  void aCheckExitingTwoEndsTheRunDepErrorAndStopsTheOtherChecks() {
    try (ChainFixture node = fired(10, dep(7), dep(8))) {
      node.advanceTo("2026-06-01T11:00:03Z");
      node.host.check(7).exit(2, "ERROR 1146: table 'orders' doesn't exist");
      node.settle();
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("DEP_ERROR", run.status());
      assertEquals(1, node.host.check(8).stops());
      Ledger.Message message = only(node.ledger.messages());
      assertEquals(run.runId(), message.runId());
      assertEquals("chain 12 run " + run.runId() + ": dependency 7 failed; run ends DEP_ERROR (exit code 2)\n"
          + "--- last output ---\nERROR 1146: table 'orders' doesn't exist", message.msg());
      assertEquals(List.of(), node.host.jobs());
    }
  }

  @Test
  void aCheckRunningPastItsOttimeIsKilledAndEndsTheRunDepError() {
    try (ChainFixture node = fired(10, dep(7))) {
      node.advanceTo("2026-06-01T11:00:01Z");
      node.exitCheck(7, 1);
      node.advanceTo("2026-06-01T11:00:31Z"); // the second check starts now
      FakeHost.FakeProcess second = node.host.check(7);
      node.advanceTo("2026-06-01T11:01:30.999Z");
      assertEquals(0, second.stops());
      node.advanceTo("2026-06-01T11:01:31Z"); // ottime 0: the node default, 60 s
      assertEquals(1, second.stops());
      assertEquals("DEP_ERROR", node.ledger.runAt(FIRE).status());
      assertEquals("TIMEOUT", only(node.ledger.processes(p -> p.attempt() == 2)).status());
      only(node.ledger.messages("dependency 7 failed; run ends DEP_ERROR", "ran past its ottime of 60 s"));
    }
  }

  @Test
  void withDepOtZeroEachCheckRunsOnce() {
    try (ChainFixture node = fired(0, dep(7))) {
      node.host.check(7).exit(1, "not yet");
      node.advanceTo("2026-06-01T11:10:00Z");
      assertEquals(1, node.host.checks().size());
      assertEquals("DEP_TIMEOUT", node.ledger.runAt(FIRE).status());
      only(node.ledger.messages("dependency 7 did not pass on its only check (dep_ot = 0)", "not yet"));
    }
  }
}
