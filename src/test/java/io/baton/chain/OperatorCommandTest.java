package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.dep;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.chain.ChainEvent.CommandCarriedOut;
import io.baton.chain.ChainEvent.JobLaunch;
import io.baton.chain.ChainEvent.RunCancelled;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.chain.OperatorCommand.Outcome;
import io.baton.definition.ChainDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An operator's commands as the command desk hands them over: run now, cancel, rerun, switch, or
 * refused; each carried out once, its outcome journaled with its effect. The chain fires hourly.
 */
class OperatorCommandTest {
  private static final ChainDefinition CHAIN = chain("@every 1h", job(1, 1), job(2, 2));

  private static ChainFixture idleAt1020() {
    return ChainFixture.start(CHAIN, at("2026-06-01T10:20:00Z"));
  }

  @Test
  void runNowStartsAManualRunAtOnceThatIsNotAFireOfTheSchedule() {
    try (ChainFixture node = idleAt1020()) {
      Outcome outcome = node.operate(new OperatorCommand.RunNow(5, "alice@cli"));
      assertEquals(new Outcome(5, true, "run 101 started (MANUAL)", 101L), outcome);
      RunStarted started = only(node.events(RunStarted.class));
      assertEquals(Trigger.MANUAL, started.trigger());
      assertEquals(at("2026-06-01T10:20:00Z"), started.scheduledTime());
      assertEquals(new CommandCarriedOut(5, "run 101 started (MANUAL)", 101L), only(node.events(CommandCarriedOut.class)));

      Ledger.Run run = node.ledger.run(101);
      assertEquals("MANUAL", run.trigger());
      assertEquals(at("2026-06-01T10:20:00Z"), run.startTime());
      assertEquals(List.of(1L), node.host.jobIds());
      only(node.ledger.messages("chain 12 run 101: started as a MANUAL run, asked by alice@cli"));
      assertNull(node.state().lastFire(), "the schedule's next fire is still 11:00");

      node.exitJob(1, 0);
      node.exitJob(2, 0);
      node.advanceTo("2026-06-01T11:00:00Z");
      assertEquals(List.of("MANUAL", "SCHEDULE"), node.ledger.runs().stream().map(Ledger.Run::trigger).toList());
    }
  }

  @Test
  void runNowWhileARunIsActiveIsRefusedAndNothingIsJournaled() {
    try (ChainFixture node = idleAt1020()) {
      node.operate(new OperatorCommand.RunNow(5, "alice@cli"));
      int journaled = node.events().size();
      Outcome refused = node.operate(new OperatorCommand.RunNow(6, "bob@api"));
      assertFalse(refused.done());
      assertTrue(refused.text().startsWith("chain 12 has an active run 101 (MANUAL"), refused.text());
      assertNull(refused.runId());
      assertEquals(journaled, node.events().size());
      assertEquals(1, node.ledger.runs().size());
    }
  }

  @Test
  void cancelStopsTheJobsOfTheRunWhichEndsCancelledAndLaterLevelsNeverStart() {
    try (ChainFixture node = idleAt1020()) {
      node.advanceTo("2026-06-01T11:00:10Z");
      long runId = node.ledger.runAt(at("2026-06-01T11:00:00Z")).runId();
      Outcome outcome = node.operate(new OperatorCommand.Cancel(7, "bob@api", runId));
      assertEquals(new Outcome(7, true, "run " + runId + " cancelled: its processes are being stopped", runId), outcome);
      assertEquals("bob@api", only(node.events(RunCancelled.class)).by());

      assertEquals(1, node.host.job(1).stops());
      Ledger.Run run = node.ledger.run(runId);
      assertEquals("CANCELLED", run.status());
      assertEquals(at("2026-06-01T11:00:10Z"), run.endTime());
      assertEquals("CANCELLED", only(node.ledger.jobs(runId)).status());
      assertEquals(List.of(1L), node.host.jobIds(), "level 2 never starts");
      only(node.ledger.messages("chain 12 run " + runId + ": CANCELLED by bob@api"));

      Outcome again = node.operate(new OperatorCommand.Cancel(8, "bob@api", runId));
      assertFalse(again.done(), "the run is not active any more: " + again.text());
    }
  }

  @Test
  void cancelWhileTheDependenciesAreCheckedStopsTheChecks() {
    ChainDefinition withDependency = chain("@every 1h", 10, List.of(dep(7)), job(1, 1));
    try (ChainFixture node = ChainFixture.start(withDependency, at("2026-06-01T10:59:50Z"))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      long runId = only(node.ledger.runs()).runId();
      assertTrue(node.operate(new OperatorCommand.Cancel(7, "bob@api", runId)).done());
      assertEquals(1, node.host.check(7).stops());
      assertEquals("CANCELLED", node.ledger.run(runId).status());
      node.advanceTo("2026-06-01T11:10:00Z");
      assertEquals(1, node.host.checks().size());
      assertEquals(List.of(), node.host.jobs());
    }
  }

  @Test
  void rerunRunsInTheOldSlotOnlyWhatDidNotSucceedWithAnAttemptAboveTheLast() {
    try (ChainFixture node = idleAt1020()) {
      node.advanceTo("2026-06-01T11:00:00Z");
      node.exitJob(1, 0);
      node.exitJob(2, 1);
      node.advanceTo("2026-06-01T11:05:00Z");
      long failed = node.ledger.runAt(at("2026-06-01T11:00:00Z")).runId();
      assertEquals("FAILED", node.ledger.run(failed).status());

      Outcome outcome = node.operate(new OperatorCommand.Rerun(9, "carol@cli", failed, at("2026-06-01T11:00:00Z"),
          List.of(1L), List.of(new JobLaunch(1, 1), new JobLaunch(2, 1)), false));
      assertTrue(outcome.done(), outcome.text());
      Ledger.Run rerun = node.ledger.run(outcome.runId());
      assertEquals("RERUN", rerun.trigger());
      assertEquals(failed, rerun.rerunOf());
      assertEquals(at("2026-06-01T11:00:00Z"), rerun.scheduledTime(), "the slot of the run it continues");
      assertEquals(at("2026-06-01T11:05:00Z"), rerun.startTime());
      FakeHost.FakeProcess job2 = node.host.job(2);
      assertEquals(List.of(1L, 2L, 2L), node.host.jobIds(), "job 1 succeeded there and is not run again");
      assertEquals(2, job2.attempt());
      assertEquals(outcome.runId(), job2.runId());
      only(node.ledger.messages("RERUN of run " + failed, "jobs [1] succeeded there", "asked by carol@cli"));

      job2.exit(0);
      node.settle();
      assertEquals("SUCCESS", node.ledger.run(outcome.runId()).status());
      assertEquals(at("2026-06-01T11:00:00Z"), node.state().lastFire(), "a rerun is not a fire");
    }
  }

  @Test
  void switchedOffByAnOperatorTheChainFiresNoMoreUntilSwitchedOnAndReadOnByTheCatalog() {
    try (ChainFixture node = idleAt1020()) {
      Outcome off = node.operate(new OperatorCommand.Switch(10, "dave@api", false));
      assertEquals(new Outcome(10, true, "chain 12 switched OFF by dave@api", null), off);
      only(node.ledger.messages("chain 12 switched OFF by dave@api"));
      node.define(CHAIN); // read before the switch was written: still ON
      node.advanceTo("2026-06-01T11:30:00Z");
      assertEquals(List.of(), node.ledger.runs());

      assertTrue(node.operate(new OperatorCommand.Switch(11, "dave@api", true)).done());
      node.advanceTo("2026-06-01T12:00:00Z");
      assertEquals(List.of(), node.ledger.runs(), "ON takes effect when the Catalog reads it");
      node.define(CHAIN);
      node.advanceTo("2026-06-01T13:00:00Z");
      assertEquals(List.of(at("2026-06-01T13:00:00Z")), node.ledger.scheduledTimes());
    }
  }

  @Test
  void switchedOffBeforeTheInstantOfARunJournaledAheadTheRunIsWithdrawnWithTheCommand() {
    try (ChainFixture node = idleAt1020()) {
      node.advanceTo("2026-06-01T10:59:59.500Z");
      long runId = only(node.events(RunStarted.class)).runId();
      node.operate(new OperatorCommand.Switch(10, "dave@api", false));
      List<ChainEvent> journal = node.events();
      assertEquals(List.of(new RunWithdrawn(runId, null), new CommandCarriedOut(10, "chain 12 switched OFF by dave@api",
          null)), journal.subList(journal.size() - 2, journal.size()));
      node.advanceTo("2026-06-01T11:00:30Z");
      assertEquals(List.of(), node.host.all());
      assertEquals(List.of(), node.ledger.runs());
    }
  }

  @Test
  void aCommandTheNodeRefusedIsAnsweredAndNothingIsDone() {
    try (ChainFixture node = idleAt1020()) {
      Outcome refused = node.operate(new OperatorCommand.Refused(12, "erin@cli", "run 99 is not a run of chain 12"));
      assertEquals(new Outcome(12, false, "run 99 is not a run of chain 12", null), refused);
      assertEquals(List.of(), node.events());
    }
  }

  @Test
  void aCommandHandedOverTwiceIsAnsweredFromTheJournalAndNotCarriedOutAgain() {
    try (ChainFixture node = idleAt1020()) {
      Outcome first = node.operate(new OperatorCommand.RunNow(13, "alice@cli"));
      node.exitJob(1, 0);
      node.exitJob(2, 0);
      assertEquals(first, node.operate(new OperatorCommand.RunNow(13, "alice@cli")));

      node.crash(); // the outcome was not written back before the node died: the next one hands it over again
      assertEquals(first, node.operate(new OperatorCommand.RunNow(13, "alice@cli")));
      assertEquals(first, node.operate(new OperatorCommand.Refused(13, "alice@cli", "chain 12 is held")),
          "a command carried out is answered as it was, even if the node now finds it cannot be");
      assertEquals(1, node.events(RunStarted.class).size());
      assertEquals(1, node.ledger.runs().size());
    }
  }

  @Test
  void aCommandThatWaitedPastItsDeadlineIsRefused() {
    try (ChainFixture node = idleAt1020()) {
      Outcome expired = node.operate(new OperatorCommand.RunNow(14, "alice@cli"), at("2026-06-01T10:19:59Z"));
      assertFalse(expired.done());
      assertTrue(expired.text().startsWith("expired"), expired.text());
      assertEquals(List.of(), node.events());
    }
  }
}
