package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.dep;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static io.baton.chain.Chains.switched;
import static io.baton.chain.Chains.withTimestr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.definition.ChainDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node killed at each point of a run and started again (SPEC 6): never two runs of one scheduled
 * time; a job interrupted by the crash runs again with a higher attempt (rerun-step) or the run
 * ends INTERRUPTED (fail); a run journaled ahead that never began is withdrawn and its fire is a
 * missed one. The chain fires hourly, at 11:00.
 */
class RecoveryTest {
  private static final Instant FIRE = at("2026-06-01T11:00:00Z");
  private static final ChainDefinition EVERY_MINUTE = chain("@every 1m", job(1, 1));
  private static final ChainDefinition TWO_LEVELS = chain("@every 1h", job(1, 1), job(2, 1), job(3, 2));

  private static ChainFixture startedBefore(ChainDefinition chain) {
    return ChainFixture.start(chain, at("2026-06-01T10:59:50Z"));
  }

  /**
   * The node is killed while {@code survivor} runs; the next one kills what was left, and says it
   * resumes the run and what it runs again. The run's id.
   */
  private static long crashAndResume(ChainFixture node, FakeHost.FakeProcess survivor, String runsAgain) {
    node.crash();
    assertFalse(survivor.alive(), "the process left by the dead node is killed");
    long runId = node.ledger.runAt(FIRE).runId();
    only(node.ledger.messages("RECOVERY: run " + runId, runsAgain));
    return runId;
  }

  private static void assertOneRunPerScheduledTime(ChainFixture node) {
    List<Instant> scheduled = node.ledger.scheduledTimes();
    assertEquals(scheduled.stream().distinct().toList(), scheduled, "two runs of one scheduled time");
  }

  @Test
  void killedAfterRunStartedBeforeItsInstantTheRunIsWithdrawnAndTheFireRunsOnce() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.advanceTo("2026-06-01T10:59:59.500Z");
      long journaled = only(node.events(RunStarted.class)).runId();
      node.crash();
      assertEquals(journaled, only(node.events(RunWithdrawn.class)).runId());
      only(node.ledger.messages("RECOVERY: run " + journaled, "stopped before the run began; the run is withdrawn"));

      node.advanceTo(FIRE);
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("SCHEDULE", run.trigger(), "the fire has not passed: it is taken at its instant");
      assertEquals(FIRE, run.startTime());
      assertTrue(run.runId() != journaled);
      assertOneRunPerScheduledTime(node);
    }
  }

  @Test
  void aRunWithdrawnAtRecoveryLeavesAMissedFireAlsoWhereTheChainsShardStayed() {
    // its previous actor on this node journaled the run and stopped before the instant
    try (ChainFixture node = ChainFixture.of(TWO_LEVELS, at("2026-06-01T10:59:50Z"))
        .hostedSince(at("2026-06-01T09:00:00Z")).start()) {
      node.advanceTo("2026-06-01T10:59:59.500Z");
      node.downFor(Duration.ofMinutes(2));
      assertEquals("MISFIRE", node.ledger.runAt(FIRE).trigger(), "a run journaled ahead and withdrawn is a missed fire");
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "the latest (2026-06-01T11:00:00Z) runs now"));
      assertOneRunPerScheduledTime(node);
    }
  }

  @Test
  void aFireOwedDuringAResumedRunIsNamedAndNotRunAlsoWhereTheChainsShardStayed() {
    try (ChainFixture node = ChainFixture.of(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))
        .hostedSince(at("2026-06-01T09:00:00Z")).start()) {
      node.advanceTo("2026-06-01T10:01:30Z");
      long runId = only(node.ledger.runs()).runId();
      node.downFor(Duration.ofSeconds(45)); // 10:02:15
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "none is run: they fell during the run this node resumes"));
      assertEquals(List.of(runId), node.ledger.runs().stream().map(Ledger.Run::runId).toList());
    }
  }

  @Test
  void killedBeforeTheInstantAndDownPastItTheFireIsACatchUpRun() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.advanceTo("2026-06-01T10:59:59.500Z");
      node.downFor(Duration.ofMinutes(2));
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("MISFIRE", run.trigger());
      assertEquals(at("2026-06-01T11:01:59.500Z"), run.startTime(), "chain_run tells when it really began");
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "the latest (2026-06-01T11:00:00Z) runs now"));
      assertOneRunPerScheduledTime(node);
    }
  }

  /**
   * The node that started the catch-up run dies before its message reaches the database: the node
   * that resumes the run names the missed fires (once: a run's message is not written twice).
   */
  @Test
  void killedRightAfterACatchUpRunTheNextNodeNamesTheMissedFires() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.advanceTo("2026-06-01T10:59:59.500Z");
      node.downFor(Duration.ofMinutes(62)); // 11:00 and 12:00 missed; 12:00 within the grace (10 min)
      long catchUp = node.ledger.runAt(at("2026-06-01T12:00:00Z")).runId();
      assertEquals(catchUp, only(node.ledger.messages("MISFIRE: 2 fire(s) missed")).runId());
      node.ledger.loseMessages();

      node.crash();
      Ledger.Message named = only(node.ledger.messages("MISFIRE: 2 fire(s) missed", "between 2026-06-01T11:00:00Z"
          + " and 2026-06-01T12:00:00Z", "the latest (2026-06-01T12:00:00Z) runs now as one catch-up run"));
      assertEquals(catchUp, named.runId());
      node.crash();
      only(node.ledger.messages("MISFIRE: 2 fire(s) missed"));
      assertOneRunPerScheduledTime(node);
    }
  }

  /**
   * A job's end is durable in the journal but never reached job_run: its node died between the two,
   * or the database answered the journal write with an error after it had committed it, and the
   * chain stopped. The chain's next start writes the end it finds in its journal.
   */
  @Test
  void aJobEndJournaledButNeverRecordedIsRecordedAtTheNextStart() {
    try (ChainFixture node = startedBefore(chain("@every 1h", job(1, 1), job(2, 1)))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      node.exitJob(1, 3);
      long runId = node.ledger.runAt(FIRE).runId();
      node.ledger.loseTheEndOfJob(runId, 1, 1);
      node.crash();
      Ledger.Process ended = only(node.ledger.processes(p -> p.runId() == runId && p.refId() == 1 && p.attempt() == 1));
      assertEquals("FAILED", ended.status(), "job_run: " + ended);
      assertEquals(3, ended.exitCode());
      assertEquals(at("2026-06-01T11:00:05Z"), ended.endTime());
    }
  }

  @Test
  void killedAfterRunStartedWhileItsChecksRanTheChecksAreAskedAgain() {
    try (ChainFixture node = startedBefore(chain("@every 1h", 10, List.of(dep(7)), job(1, 1)))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      FakeHost.FakeProcess before = node.host.check(7);
      long runId = crashAndResume(node, before, "re-running its dependency checks");
      assertTrue(node.host.check(7) != before && node.host.check(7).alive(), "asked again");
      node.exitCheck(7, 0);
      node.exitJob(1, 0);
      assertEquals("SUCCESS", node.ledger.run(runId).status());
      assertOneRunPerScheduledTime(node);
    }
  }

  /**
   * job_run has one row per process started, a check's attempt being its number: the check asked
   * again by the resuming node is another process than the one the dead node started.
   */
  @Test
  void aCheckAskedAgainAfterACrashGetsARowOfItsOwnInJobRun() {
    try (ChainFixture node = startedBefore(chain("@every 1h", 10, List.of(dep(7)), job(1, 1)))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      node.crash();
      node.advanceTo("2026-06-01T11:00:10Z");
      node.exitCheck(7, 0);
      List<Ledger.Process> checks = node.ledger.processes(p -> p.kind().equals("DEP"));
      assertEquals(2, checks.size(), "one row per check process: " + checks);
      assertEquals(List.of(1, 2), node.host.checks().stream().map(FakeHost.FakeProcess::attempt).toList());
    }
  }

  /**
   * 11:00 and 12:00 are missed, 12:00 runs as a catch-up run and ends, and neither its message nor
   * its end reaches the database. The run's id.
   */
  private static long catchUpRunEndedUnnamed(ChainFixture node) {
    node.advanceTo("2026-06-01T10:59:59.500Z");
    node.downFor(Duration.ofMinutes(62));
    long catchUp = node.ledger.runAt(at("2026-06-01T12:00:00Z")).runId();
    node.exitJob(1, 0);
    node.exitJob(2, 0);
    node.exitJob(3, 0);
    assertEquals("SUCCESS", node.ledger.run(catchUp).status());
    node.ledger.loseTheEndOf(catchUp);
    return catchUp;
  }

  /**
   * The catch-up run ends, and its node dies before the run's message reaches the database: the
   * next node names the missed fires from the run's end in the journal, before the run's end.
   */
  @Test
  void killedRightAfterACatchUpRunEndedTheNextNodeNamesTheMissedFires() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      long catchUp = catchUpRunEndedUnnamed(node);

      node.crash();
      Ledger.Message named = only(node.ledger.messages("MISFIRE: 2 fire(s) missed", "between 2026-06-01T11:00:00Z"
          + " and 2026-06-01T12:00:00Z", "the latest (2026-06-01T12:00:00Z) runs now as one catch-up run"));
      assertEquals(catchUp, named.runId());
      assertEquals("SUCCESS", node.ledger.run(catchUp).status());
      assertEquals(3, node.host.jobs().size(), "nothing runs again");
    }
  }

  /** So are the fires skipped while a run was active, told when it ended. */
  @Test
  void killedRightAfterARunThatSkippedFiresEndedTheNextNodeNamesTheSkips() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:03:30Z"); // the 10:01 run is active at 10:02 and 10:03
      long runId = only(node.ledger.runs()).runId();
      node.exitJob(1, 0);
      only(node.ledger.messages("run " + runId + ": 2 fire(s) skipped"));
      node.ledger.loseTheEndOf(runId);

      node.crash();
      only(node.ledger.messages("run " + runId + ": 2 fire(s) skipped while this run was active (overlap), from "
          + "2026-06-01T10:02:00Z to 2026-06-01T10:03:00Z"));
    }
  }

  /** chain_run shows the run ended: its node wrote its messages first, so none is written again. */
  @Test
  void aRunWhoseEndTheDatabaseShowsIsNotNamedAgain() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      long catchUp = catchUpRunEndedUnnamed(node);
      node.crash();
      node.ledger.loseMessages(); // as an operator clearing the table would
      node.crash();
      assertEquals(List.of(), node.ledger.messages("MISFIRE"));
      assertEquals("SUCCESS", node.ledger.run(catchUp).status());
    }
  }

  /** Long after, the message was written while its node lived: a restart does not write it again. */
  @Test
  void aRunThatEndedLongAgoIsNotNamedAgain() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      catchUpRunEndedUnnamed(node);
      node.advanceTo("2026-06-01T12:15:00Z"); // Recovery.MISFIRE_MESSAGE_AGAIN after the run began

      node.crash();
      assertEquals(List.of(), node.ledger.messages("MISFIRE"));
    }
  }

  @Test
  void killedAfterLevelStartedBeforeTheProcessStartedTheJobRunsAgainWithAHigherAttempt() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.pool.holdStarts(); // the node dies before it spawns them
      node.advanceTo(FIRE);
      assertEquals(List.of(), node.host.all());
      node.crash();

      long runId = node.ledger.runAt(FIRE).runId();
      only(node.ledger.messages("RECOVERY: run " + runId,
          "job 1 attempt 1, job 2 attempt 1 may have started just before and count as interrupted attempts"));
      assertEquals(List.of(2, 2), node.host.jobs().stream().map(FakeHost.FakeProcess::attempt).toList());
      assertEquals(List.of(JobStatus.INTERRUPTED, JobStatus.INTERRUPTED),
          node.events(JobFinished.class).stream().map(JobFinished::status).toList());
      Ledger.Process unconfirmed = node.ledger.jobs(runId).get(0);
      assertEquals(1, unconfirmed.attempt());
      assertEquals("INTERRUPTED", unconfirmed.status(), "job_run names the attempt that may have run");
    }
  }

  @Test
  void killedAfterJobStartedTheSurvivorIsKilledAndTheJobRunsAgainWithAHigherAttempt() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.advanceTo("2026-06-01T11:00:30Z");
      long runId = crashAndResume(node, node.host.job(1), "re-running step level 1 (baton.recovery = rerun-step)");
      assertEquals(2, node.host.job(1).attempt());
      assertEquals(2, node.host.job(2).attempt());
      assertEquals(List.of("INTERRUPTED", "INTERRUPTED", "RUNNING", "RUNNING"),
          node.ledger.jobs(runId).stream().map(Ledger.Process::status).toList());

      node.exitJob(1, 0);
      node.exitJob(2, 0);
      assertEquals(1, node.host.job(3).attempt());
      node.exitJob(3, 0);
      assertEquals("SUCCESS", node.ledger.run(runId).status());
      assertOneRunPerScheduledTime(node);
    }
  }

  @Test
  void killedAfterJobStartedWithRecoveryFailTheRunEndsInterrupted() {
    try (ChainFixture node = ChainFixture.of(TWO_LEVELS, at("2026-06-01T10:59:50Z"))
        .setting("baton.recovery", "fail").start()) {
      node.advanceTo("2026-06-01T11:00:30Z");
      node.crash();
      Ledger.Run run = node.ledger.runAt(FIRE);
      assertEquals("INTERRUPTED", run.status());
      only(node.ledger.messages("RECOVERY: run " + run.runId(), "it ends INTERRUPTED (baton.recovery = fail)"));
      assertEquals(2, node.host.jobs().size(), "nothing runs again");
      assertNull(node.state().active());

      node.advanceTo("2026-06-01T12:00:00Z");
      assertEquals("SCHEDULE", node.ledger.runAt(at("2026-06-01T12:00:00Z")).trigger(), "the chain fires on");
    }
  }

  @Test
  void killedAfterJobFinishedOnlyTheJobsThatHadNotSucceededRunAgain() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.advanceTo("2026-06-01T11:00:30Z");
      node.exitJob(1, 0);
      node.crash();
      assertEquals(List.of(1L, 2L, 2L), node.host.jobIds());
      assertEquals(2, node.host.job(2).attempt());
      node.exitJob(2, 0);
      node.exitJob(3, 0);
      assertEquals("SUCCESS", node.ledger.runAt(FIRE).status());
    }
  }

  @Test
  void killedAfterRunFinishedNothingRunsAgainAndTheChainFiresOn() {
    try (ChainFixture node = startedBefore(TWO_LEVELS)) {
      node.advanceTo("2026-06-01T11:00:30Z");
      node.exitJob(1, 0);
      node.exitJob(2, 0);
      node.exitJob(3, 0);
      Ledger.Run ended = node.ledger.runAt(FIRE);
      int records = node.ledger.records().size();
      node.crash();
      assertEquals(ended, node.ledger.runAt(FIRE), "written again, unchanged");
      assertEquals(2, node.ledger.records().size() - records, "chain_run start and end, again");
      assertEquals(3, node.host.jobs().size());
      node.advanceTo("2026-06-01T12:00:00Z");
      assertEquals(List.of(FIRE, at("2026-06-01T12:00:00Z")), node.ledger.scheduledTimes());
    }
  }

  @Test
  void firesMissedWhileNoNodeRanGiveOneCatchUpRunForTheLatestWithinTheGrace() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:01:05Z");
      node.exitJob(1, 0);
      node.downFor(Duration.between(node.now(), at("2026-06-01T10:05:30Z")));
      Ledger.Run catchUp = node.ledger.runAt(at("2026-06-01T10:05:00Z"));
      assertEquals("MISFIRE", catchUp.trigger());
      assertEquals(at("2026-06-01T10:05:30Z"), catchUp.startTime());
      assertEquals(List.of(at("2026-06-01T10:01:00Z"), at("2026-06-01T10:05:00Z")),
          node.ledger.scheduledTimes());
      Ledger.Message missed = only(node.ledger.messages());
      assertEquals(catchUp.runId(), missed.runId(), "named with the run that catches them up");
      assertEquals("chain 12: MISFIRE: 4 fire(s) missed while no node ran it, between 2026-06-01T10:02:00Z and "
          + "2026-06-01T10:05:00Z; the latest (2026-06-01T10:05:00Z) runs now as one catch-up run", missed.msg());
    }
  }

  @Test
  void firesMissedLongerAgoThanTheGraceAreNamedAndNotRun() {
    try (ChainFixture node = startedBefore(chain("@every 1h", job(1, 1)))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      node.exitJob(1, 0);
      node.downFor(Duration.between(node.now(), at("2026-06-01T12:20:00Z")));
      assertEquals(List.of(FIRE), node.ledger.scheduledTimes());
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "between 2026-06-01T12:00:00Z and 2026-06-01T12:00:00Z",
          "none is run: the latest is older than baton.misfire-grace (PT10M)"));
      node.advanceTo("2026-06-01T13:00:00Z");
      assertEquals("SCHEDULE", node.ledger.runAt(at("2026-06-01T13:00:00Z")).trigger());
    }
  }

  @Test
  void firesMissedWhileNoNodeRanAResumedRunAreCaughtUpOnceAsItEnds() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:01:30Z");
      long runId = only(node.ledger.runs()).runId();
      node.downFor(Duration.ofMinutes(3)); // 10:04:30: 10:02, 10:03 and 10:04 fell while no node ran it
      only(node.ledger.messages("RECOVERY: run " + runId));
      assertEquals(List.of(runId), node.ledger.runs().stream().map(Ledger.Run::runId).toList(),
          "no second run while the resumed one is active");
      only(node.ledger.messages("MISFIRE: 3 fire(s) missed", "between 2026-06-01T10:02:00Z and 2026-06-01T10:04:00Z",
          "the latest (2026-06-01T10:04:00Z) runs as one catch-up run once the run this node resumes ends"));

      node.advanceTo("2026-06-01T10:04:40Z");
      node.exitJob(1, 0);
      Ledger.Run catchUp = node.ledger.runAt(at("2026-06-01T10:04:00Z"));
      assertEquals("MISFIRE", catchUp.trigger());
      assertEquals(at("2026-06-01T10:04:40Z"), catchUp.startTime(), "it starts as the resumed run ends");
      only(node.ledger.messages("MISFIRE")); // named once
      node.exitJob(1, 0);
      node.advanceTo("2026-06-01T10:05:00Z");
      assertEquals("SCHEDULE", node.ledger.runAt(at("2026-06-01T10:05:00Z")).trigger());
      assertOneRunPerScheduledTime(node);
    }
  }

  @Test
  void aFireDuringTheResumedRunIsSkippedAndTheOutagesLatestFireIsCaughtUpAfterIt() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:01:30Z");
      long runId = only(node.ledger.runs()).runId();
      node.downFor(Duration.ofSeconds(70)); // 10:02:40: 10:02 fell while no node ran it
      node.advanceTo("2026-06-01T10:03:20Z"); // 10:03 falls while the resumed run is active
      node.exitJob(1, 0);
      only(node.ledger.messages("run " + runId, "1 fire(s) skipped while this run was active",
          "from 2026-06-01T10:03:00Z to 2026-06-01T10:03:00Z"));
      Ledger.Run catchUp = node.ledger.runAt(at("2026-06-01T10:02:00Z"));
      assertEquals("MISFIRE", catchUp.trigger());
      assertEquals(at("2026-06-01T10:03:20Z"), catchUp.startTime());
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "the latest (2026-06-01T10:02:00Z) runs as one"));
      assertEquals(List.of(at("2026-06-01T10:01:00Z"), at("2026-06-01T10:02:00Z")), node.ledger.scheduledTimes()
          .stream().sorted().toList(), "10:03 is skipped, not run");
    }
  }

  @Test
  void firesMissedWhileNoNodeRanAResumedRunLongerAgoThanTheGraceAreNamedAndNotRun() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1h", job(1, 1)), at("2026-06-01T10:59:50Z"))) {
      node.advanceTo("2026-06-01T11:00:05Z");
      long runId = only(node.ledger.runs()).runId();
      node.downFor(Duration.between(node.now(), at("2026-06-01T12:05:00Z"))); // 12:00 fell while no node ran it
      node.advanceTo("2026-06-01T12:20:00Z");
      node.exitJob(1, 0);
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "between 2026-06-01T12:00:00Z and 2026-06-01T12:00:00Z",
          "none is run: the latest is older than baton.misfire-grace (PT10M)"));
      assertEquals(List.of(runId), node.ledger.runs().stream().map(Ledger.Run::runId).toList());
    }
  }

  @Test
  void aChainSwitchedOffOrRescheduledBeforeItsResumedRunEndsRunsNoCatchUpAndSaysSo() {
    for (ChainDefinition changed : List.of(switched(EVERY_MINUTE, false), withTimestr(EVERY_MINUTE, "@every 2m"))) {
      try (ChainFixture node = ChainFixture.start(EVERY_MINUTE, at("2026-06-01T10:00:10Z"))) {
        node.advanceTo("2026-06-01T10:01:30Z");
        long runId = only(node.ledger.runs()).runId();
        node.downFor(Duration.ofSeconds(70)); // 10:02:40: 10:02 is owed
        node.define(changed);
        only(node.ledger.messages("MISFIRE: the catch-up run for the fire of 2026-06-01T10:02:00Z is not run"));
        node.exitJob(1, 0);
        node.advanceTo("2026-06-01T10:03:30Z");
        assertEquals(List.of(runId), node.ledger.runs().stream().map(Ledger.Run::runId).toList(), changed.timestr());
      }
    }
  }
}
