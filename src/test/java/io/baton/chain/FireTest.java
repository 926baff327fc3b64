package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.job;
import static io.baton.chain.Chains.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.JobLaunch;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.LevelStarted;
import io.baton.chain.ChainEvent.RunStarted;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A chain fires on its schedule (SPEC 3): the run is journaled just ahead, its processes begin at the fire. */
class FireTest {

  @Test
  void aFireIsJournaledASecondAheadAndItsFirstLevelBeginsAtTheInstant() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1), job(2, 1), job(3, 2)),
        at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:00:58.999Z");
      assertEquals(List.of(), node.events(), "nothing is journaled before the lead");

      node.advanceTo("2026-06-01T10:00:59Z");
      RunStarted started = only(node.events(RunStarted.class));
      assertEquals(Trigger.SCHEDULE, started.trigger());
      assertEquals(at("2026-06-01T10:01:00Z"), started.scheduledTime());
      assertEquals(at("2026-06-01T10:01:00Z"), started.startTime());
      assertEquals(List.of(new JobLaunch(1, 1), new JobLaunch(2, 1)), only(node.events(LevelStarted.class)).jobs());
      node.advanceTo("2026-06-01T10:00:59.900Z");
      assertEquals(List.of(), node.host.all(), "no process before the instant");
      assertEquals(List.of(), node.ledger.runs(), "chain_run is written as the run begins");

      node.advanceTo("2026-06-01T10:01:00Z");
      Ledger.Run run = node.ledger.runAt(at("2026-06-01T10:01:00Z"));
      assertEquals("SCHEDULE", run.trigger());
      assertEquals(at("2026-06-01T10:01:00Z"), run.startTime());
      assertEquals(at("2026-06-01T10:01:00Z"), run.depPassTs(), "no dependencies: passed as it starts");
      assertEquals("RUNNING", run.status());
      assertEquals("node-a", run.node());
      assertEquals(List.of(1L, 2L), node.host.jobIds(),
          "level 1 only");
      for (Ledger.Process job : node.ledger.jobs(run.runId())) {
        assertEquals(at("2026-06-01T10:01:00Z"), job.startTime(), "job " + job.refId());
        assertEquals(1, job.attempt());
        assertEquals("RUNNING", job.status());
      }
      assertEquals(List.of(1L, 2L), node.events(JobStarted.class).stream().map(JobStarted::jobId).toList());
    }
  }

  /**
   * A chain that never fired, rescheduled while it slept to fire a few seconds ahead, whose actor
   * starts only after that fire (a busy node): the fire is owed, and runs late as one catch-up run
   * with its message.
   */
  @Test
  void aChainRescheduledWhileAsleepWhoseActorStartsAfterTheFireRunsItLate() {
    try (ChainFixture node = ChainFixture.of(chain("0 0 10 1 6 ? 2026", job(1, 1)), at("2026-06-01T10:00:03Z"))
        .firesFrom(at("2026-06-01T09:59:54Z")).start()) {
      Ledger.Run run = node.ledger.runAt(at("2026-06-01T10:00:00Z"));
      assertEquals("MISFIRE", run.trigger(), "no node is known to have hosted the chain at its fire");
      assertEquals(at("2026-06-01T10:00:03Z"), run.startTime());
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "the latest (2026-06-01T10:00:00Z) runs now"));
    }
  }

  @Test
  void aChainThisNodeHostedAsleepAndWokeAfterItsFireTakesTheFireLateAsItself() {
    try (ChainFixture node = ChainFixture.of(chain("0 0 10 1 6 ? 2026", job(1, 1)), at("2026-06-01T10:00:03Z"))
        .firesFrom(at("2026-06-01T09:59:54Z")).hostedSince(at("2026-06-01T09:00:00Z")).start()) {
      Ledger.Run run = node.ledger.runAt(at("2026-06-01T10:00:00Z"));
      assertEquals("SCHEDULE", run.trigger(), "the node was up and hosted the chain: the fire is late, not missed");
      assertEquals(at("2026-06-01T10:00:03Z"), run.startTime());
      assertEquals(List.of(), node.ledger.messages());
    }
  }

  @Test
  void aFireBeforeThisNodeTookTheChainsShardIsAMissedOne() {
    try (ChainFixture node = ChainFixture.of(chain("0 0 10 1 6 ? 2026", job(1, 1)), at("2026-06-01T10:00:03Z"))
        .firesFrom(at("2026-06-01T09:59:54Z")).hostedSince(at("2026-06-01T10:00:01Z")).start()) {
      Ledger.Run run = node.ledger.runAt(at("2026-06-01T10:00:00Z"));
      assertEquals("MISFIRE", run.trigger(), "the shard came here after the fire (a takeover)");
      only(node.ledger.messages("MISFIRE: 1 fire(s) missed", "the latest (2026-06-01T10:00:00Z) runs now"));
    }
  }

  @Test
  void twoFiresOwedFromWhileThisNodeHostedTheChainAreNamedAsMissed() {
    try (ChainFixture node = ChainFixture.of(chain("@every 1s", job(1, 1)), at("2026-06-01T10:00:02.500Z"))
        .firesFrom(at("2026-06-01T10:00:00.500Z")).hostedSince(at("2026-06-01T09:00:00Z")).start()) {
      Ledger.Run run = only(node.ledger.runs());
      assertEquals("MISFIRE", run.trigger(), "only a single late fire is taken as itself: none goes unnamed");
      only(node.ledger.messages("MISFIRE: 2 fire(s) missed"));
    }
  }

  @Test
  void aFireWhileTheRunIsActiveIsSkippedAndTheSkipsAreReportedOnceWhenItEnds() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:03:30Z");
      assertEquals(List.of(at("2026-06-01T10:02:00Z"), at("2026-06-01T10:03:00Z")),
          node.events(FireSkipped.class).stream().map(FireSkipped::scheduledTime).toList());
      long runId = only(node.ledger.runs()).runId();
      assertEquals(List.of(), node.ledger.messages(), "skips are told once, when the run ends");

      node.exitJob(1, 0);
      assertEquals("SUCCESS", node.ledger.run(runId).status());
      Ledger.Message skipped = only(node.ledger.messages());
      assertEquals(runId, skipped.runId());
      assertEquals("chain 12 run " + runId + ": 2 fire(s) skipped while this run was active (overlap), from "
          + "2026-06-01T10:02:00Z to 2026-06-01T10:03:00Z", skipped.msg());

      node.advanceTo("2026-06-01T10:04:00Z");
      assertEquals(List.of(at("2026-06-01T10:01:00Z"), at("2026-06-01T10:04:00Z")),
          node.ledger.scheduledTimes(), "skipped fires are not run later");
    }
  }

  @Test
  void aNodeThatMayNotLeadTakesNoFireAndTakesItLateOnceItLeadsAgain() {
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), at("2026-06-01T10:00:10Z"))) {
      node.advanceTo("2026-06-01T10:00:58Z");
      node.guard.leading = false;
      node.advanceTo("2026-06-01T10:01:02Z");
      assertEquals(List.of(), node.events(), "a node that may have lost its lease acts on nothing");
      assertEquals(List.of(), node.host.all());

      node.guard.leading = true;
      node.advanceTo("2026-06-01T10:01:03Z");
      Ledger.Run run = node.ledger.runAt(at("2026-06-01T10:01:00Z"));
      assertTrue(run.startTime().isAfter(at("2026-06-01T10:01:02Z")), "recorded when it really began: " + run);
      assertEquals(run.startTime(), node.host.job(1).startTime());
    }
  }
}
