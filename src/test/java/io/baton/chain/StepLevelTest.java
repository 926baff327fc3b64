package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baton.chain.ChainEvent.LevelStarted;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.definition.ChainDefinition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Step levels (SPEC 3.4): in ascending order, all jobs of a level together, the next once every
 * job of the level exited 0; a failure or timeout ends the run after the level's other jobs
 * finish, and later levels never start. The chain fires at 11:00.
 */
class StepLevelTest {
  private static final Instant FIRE = at("2026-06-01T11:00:00Z");

  private static ChainFixture fired(ChainDefinition chain) {
    ChainFixture node = ChainFixture.start(chain, at("2026-06-01T10:59:50Z"));
    node.advanceTo(FIRE);
    return node;
  }

  @Test
  void aLevelStartsOnlyOnceEveryJobOfThePreviousLevelSucceeded() {
    try (ChainFixture node = fired(chain("@every 1h", job(1, 1), job(2, 1), job(3, 2), job(4, 5)))) {
      assertEquals(List.of(1L, 2L), node.host.jobIds());
      node.advanceTo("2026-06-01T11:00:10Z");
      node.exitJob(2, 0);
      assertEquals(List.of(1L, 2L), node.host.jobIds(), "job 1 still runs");

      node.advanceTo("2026-06-01T11:00:20Z");
      node.exitJob(1, 0);
      assertEquals(List.of(1L, 2L, 3L), node.host.jobIds());
      assertEquals(at("2026-06-01T11:00:20Z"), node.host.job(3).startTime());
      assertEquals(List.of(1, 2), node.events(LevelStarted.class).stream().map(LevelStarted::stepLevel).toList());

      node.exitJob(3, 0);
      assertEquals(List.of(1L, 2L, 3L, 4L), node.host.jobIds(), "levels need not be consecutive numbers");
      node.advanceTo("2026-06-01T11:00:30Z");
      node.exitJob(4, 0);

      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("SUCCESS", run.status());
      assertEquals(at("2026-06-01T11:00:30Z"), run.endTime());
      for (Ledger.Process job : node.ledger.jobs(run.runId())) {
        assertEquals("SUCCESS", job.status(), "job " + job.refId());
        assertEquals(0, job.exitCode());
      }
      assertEquals(List.of(), node.ledger.messages(), "a run that succeeds writes no message");
      assertNull(node.state().active());
      assertEquals(RunStatus.SUCCESS, node.state().lastRun().status());
    }
  }

  @Test
  void aJobExitingNonZeroFailsTheRunOnceItsLevelEndsAndLaterLevelsNeverStart() {
    try (ChainFixture node = fired(chain("@every 1h", job(1, 1), job(2, 1), job(3, 2)))) {
      node.advanceTo("2026-06-01T11:00:10Z");
      node.host.job(1).exit(3, "Traceback (most recent call last):\nValueError: boom");
      node.settle();
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("RUNNING", run.status(), "job 2 of the same level is let finish");
      assertEquals(0, node.host.job(2).stops());

      node.advanceTo("2026-06-01T11:00:40Z");
      node.exitJob(2, 0);
      assertEquals("FAILED", node.ledger.run(run.runId()).status());
      assertEquals(at("2026-06-01T11:00:40Z"), node.ledger.run(run.runId()).endTime());
      assertEquals(List.of(1L, 2L), node.host.jobIds(), "level 2 never starts");
      Ledger.Message message = only(node.ledger.messages());
      assertEquals(run.runId(), message.runId());
      assertEquals("chain 12 run " + run.runId() + ": job 1 (attempt 1) ended FAILED with exit code 3\n"
          + "--- last output ---\nTraceback (most recent call last):\nValueError: boom", message.msg());
      assertEquals("FAILED", node.ledger.jobs(run.runId()).get(0).status());
      assertEquals(3, node.ledger.jobs(run.runId()).get(0).exitCode());
    }
  }

  @Test
  void aJobRunningPastItsOttimeIsKilledAndTheRunEndsTimeout() {
    try (ChainFixture node = fired(chain("@every 1h", job(1, 1), job(2, 2, "90s"), job(3, 3)))) {
      node.advanceTo("2026-06-01T11:00:10Z");
      node.exitJob(1, 0);
      node.advanceTo("2026-06-01T11:01:39.999Z");
      assertEquals(0, node.host.job(2).stops());
      node.advanceTo("2026-06-01T11:01:40Z");
      assertEquals(1, node.host.job(2).stops(), "killed 90 s after it started");

      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("TIMEOUT", run.status());
      assertEquals("TIMEOUT", node.ledger.jobs(run.runId()).get(1).status());
      assertEquals(List.of(1L, 2L), node.host.jobIds());
      only(node.ledger.messages("chain 12 run " + run.runId() + ": job 2 (attempt 1) ended TIMEOUT"));
      assertEquals(RunStatus.TIMEOUT, only(node.events(RunFinished.class)).status());
    }
  }

  @Test
  void aJobThatMayNotRunIsRefusedAndTheRunFails() {
    ChainFixture node = ChainFixture.start(chain("@every 1h", job(1, 1), job(2, 2)), at("2026-06-01T10:59:50Z"));
    try (node) {
      node.host.refuse("script path escapes jobs/");
      node.advanceTo(FIRE);
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("FAILED", run.status());
      assertEquals(List.of(), node.host.all(), "nothing is executed");
      only(node.ledger.messages("job 1 of chain 12: script path escapes jobs/", "REFUSED"));
    }
  }

  @Test
  void aJobWhoseActorFailsBeforeItsOutcomeIsKnownFailsTheRunInsteadOfLeavingItRunning() {
    ChainFixture node = ChainFixture.start(chain("@every 1h", job(1, 1), job(2, 2)), at("2026-06-01T10:59:50Z"));
    try (node) {
      node.host.breakNextActor();
      node.advanceTo(FIRE);
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("FAILED", run.status());
      assertEquals(1, node.host.job(1).stops(), "its process is stopped");
      assertEquals(List.of(1L), node.host.jobIds());
      only(node.ledger.messages("job 1 of chain 12: its actor failed before the outcome was known"));
    }
  }
}
