package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.dep;
import static io.baton.chain.Chains.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainEvent.CommandCarriedOut;
import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.JobLaunch;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.LevelStarted;
import io.baton.chain.ChainEvent.RunCancelled;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.definition.ChainDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every chain event applied to the state a chain keeps across restarts, and what its run makes of it. */
class ChainStateTest {
  private static final ChainDefinition CHAIN = chain("@every 1m", 10, List.of(dep(7), dep(8)),
      job(1, 1), job(2, 1), job(3, 2));
  private static final Instant T0 = at("2026-06-01T10:01:00Z");

  private static RunStarted started(long runId, Trigger trigger, Instant scheduled) {
    return new RunStarted(runId, trigger, scheduled, scheduled, CHAIN, 3L, "node-a", null);
  }

  private static ChainState apply(ChainState state, ChainEvent... events) {
    for (ChainEvent event : events) {
      state = state.apply(event);
    }
    return state;
  }

  /** Run 101 of the 10:01 fire, its dependencies passed and level 1 about to start. */
  private static ChainState levelOneJournaled() {
    return apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0), new DependencyPassed(101, 7, T0),
        new DependencyPassed(101, 8, T0.plusSeconds(5)), new DependenciesPassed(101, T0.plusSeconds(5)),
        new LevelStarted(101, 1, List.of(new JobLaunch(1, 1), new JobLaunch(2, 1)), T0.plusSeconds(5), "node-a", 3L));
  }

  private static JobStarted jobStarted(long jobId, int attempt) {
    return new JobStarted(101, jobId, 1, attempt, 4000 + jobId, T0.plusSeconds(5), "/logs/" + jobId, "node-a", 3L);
  }

  @Test
  void aScheduledRunMovesTheLastFireAndRemembersTheOneBeforeIt() {
    ChainState first = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0));
    assertEquals(T0, first.lastFire());
    assertEquals(101, first.active().runId());
    assertNull(first.active().previousFire());
    assertFalse(first.active().showsProgress(), "journaled ahead, nothing done yet");

    ChainState second = apply(first, new RunFinished(101, RunStatus.SUCCESS, T0.plusSeconds(30)),
        started(102, Trigger.MISFIRE, T0.plusSeconds(240)));
    assertEquals(T0.plusSeconds(240), second.lastFire());
    assertEquals(T0, second.active().previousFire());
  }

  @Test
  void aManualRunIsNotAFireOfTheSchedule() {
    ChainState state = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0),
        new RunFinished(101, RunStatus.SUCCESS, T0.plusSeconds(30)), started(102, Trigger.MANUAL, T0.plusSeconds(95)));
    assertEquals(T0, state.lastFire());
    assertEquals(Trigger.MANUAL, state.active().trigger());
  }

  @Test
  void aSkippedFireIsHandledAndCountedOnTheRunThatCausedIt() {
    ChainState state = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0),
        new FireSkipped(T0.plusSeconds(60)), new FireSkipped(T0.plusSeconds(120)));
    assertEquals(T0.plusSeconds(120), state.lastFire());
    assertEquals(List.of(T0.plusSeconds(60), T0.plusSeconds(120)), state.active().skippedFires());
    assertEquals(T0.plusSeconds(120), apply(state, new FireSkipped(T0)).lastFire(), "the last fire never goes back");
  }

  @Test
  void aPassedDependencyIsNotCheckedAgainAndShowsTheRunUnderWay() {
    ChainState state = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0), new DependencyPassed(101, 7, T0));
    assertEquals(Set.of(7L), state.active().passedDependencies());
    assertFalse(state.active().dependenciesPassed());
    assertTrue(state.active().showsProgress());
  }

  @Test
  void onceAllDependenciesPassedTheFirstLevelComesNext() {
    ChainState state = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0), new DependenciesPassed(101, T0));
    assertEquals(T0, state.active().dependenciesPassedAt());
    assertEquals(Optional.of(1), state.active().currentLevel());
    assertEquals(List.of(new JobLaunch(1, 1), new JobLaunch(2, 1)),
        state.active().nextLevel(T0, "node-a", 3L).orElseThrow().jobs());
  }

  @Test
  void aJournaledLevelsJobsAreAboutToStartWithNoProcessYet() {
    ActiveRun run = levelOneJournaled().active();
    assertEquals(2, run.running().size());
    JobAttempt job1 = run.attemptOf(1).orElseThrow();
    assertTrue(job1.launchUnconfirmed());
    assertEquals(1, job1.attempt());
    assertEquals(0, job1.pid());
    assertEquals("node-a", job1.node());
    assertFalse(run.attempts().stream().anyMatch(a -> !a.launchUnconfirmed()));
  }

  @Test
  void aStartedJobHasItsProcessAndRunsUntilItFinishes() {
    ActiveRun run = apply(levelOneJournaled(), jobStarted(1, 1)).active();
    JobAttempt job1 = run.attemptOf(1).orElseThrow();
    assertFalse(job1.launchUnconfirmed());
    assertEquals(4001, job1.pid());
    assertEquals("/logs/1", job1.logPath());
    assertEquals(3L, job1.epoch());
    assertEquals(2, run.running().size());
  }

  @Test
  void theNextLevelComesOnceEveryJobOfTheLevelSucceeded() {
    ChainState state = apply(levelOneJournaled(), jobStarted(1, 1), jobStarted(2, 1),
        new JobFinished(101, 1, 1, 0, JobStatus.SUCCESS, T0.plusSeconds(20)));
    assertEquals(Optional.of(1), state.active().currentLevel());
    state = apply(state, new JobFinished(101, 2, 1, 0, JobStatus.SUCCESS, T0.plusSeconds(25)));
    assertEquals(Optional.of(2), state.active().currentLevel());
    assertEquals(Optional.empty(), state.active().failure());
    assertEquals(List.of(new JobLaunch(3, 1)), state.active().nextLevel(T0, "node-a", 3L).orElseThrow().jobs());
    assertEquals(List.of(), state.active().running());
  }

  @Test
  void theFirstFailedJobDecidesTheRunsEndAndAnInterruptedOneRunsAgainOneAttemptHigher() {
    ChainState state = apply(levelOneJournaled(), jobStarted(1, 1), jobStarted(2, 1),
        new JobFinished(101, 1, 1, null, JobStatus.INTERRUPTED, T0.plusSeconds(20)));
    assertEquals(Optional.empty(), state.active().failure(), "an interrupted job is not a failure");
    assertEquals(List.of(new JobLaunch(1, 2), new JobLaunch(2, 2)),
        state.active().nextLevel(T0, "node-b", 4L).orElseThrow().jobs());
    state = apply(state, new JobFinished(101, 2, 1, null, JobStatus.TIMEOUT, T0.plusSeconds(30)));
    assertEquals(Optional.of(RunStatus.TIMEOUT), state.active().failure());
  }

  @Test
  void aJobThatNeverStartedEndsAtItsLevel() {
    ChainState state = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0), new DependenciesPassed(101, T0),
        new JobFinished(101, 3, 1, null, JobStatus.REFUSED, T0));
    JobAttempt refused = state.active().attemptOf(3).orElseThrow();
    assertEquals(2, refused.stepLevel());
    assertEquals(JobStatus.REFUSED, refused.status());
    assertEquals(Optional.of(RunStatus.FAILED), state.active().failure());
  }

  @Test
  void aWithdrawnRunIsForgottenAndItsFireWasNeverTaken() {
    ChainState state = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0),
        new RunFinished(101, RunStatus.SUCCESS, T0.plusSeconds(5)), started(102, Trigger.SCHEDULE, T0.plusSeconds(60)),
        new RunWithdrawn(102, T0));
    assertNull(state.active());
    assertEquals(T0, state.lastFire());
    assertEquals(101, state.lastRun().runId(), "the last run that ended is still the last");
  }

  @Test
  void aCancelledRunEndsCancelledWhateverItsJobsDid() {
    ChainState state = apply(levelOneJournaled(), new RunCancelled(101, "bob@api", T0.plusSeconds(9)),
        new JobFinished(101, 1, 1, 1, JobStatus.FAILED, T0.plusSeconds(10)));
    assertEquals("bob@api", state.active().cancelledBy());
    assertEquals(Optional.of(RunStatus.CANCELLED), state.active().failure());
  }

  @Test
  void aCarriedOutCommandIsRemembered() {
    ChainState state = apply(ChainState.empty(), new CommandCarriedOut(5, "run 101 started (MANUAL)", 101L));
    assertEquals(Optional.of(new CommandCarriedOut(5, "run 101 started (MANUAL)", 101L)), state.carriedOut(5));
    assertEquals(Optional.empty(), state.carriedOut(6));
  }

  @Test
  void aFinishedRunBecomesTheLastRunAsChainRunMustShowIt() {
    ChainState state = apply(levelOneJournaled(), new RunFinished(101, RunStatus.DEP_ERROR, T0.plusSeconds(40)));
    assertNull(state.active());
    assertEquals(new ChainState.EndedRun(101, Trigger.SCHEDULE, T0, T0, T0.plusSeconds(5), T0.plusSeconds(40),
        RunStatus.DEP_ERROR, 3L, "node-a", null, null, null), state.lastRun());
    assertEquals(T0, state.lastFire());
  }

  @Test
  void newsOfARunArrivingWhenNoneIsActiveChangesNothing() {
    ChainState idle = apply(ChainState.empty(), started(101, Trigger.SCHEDULE, T0),
        new RunFinished(101, RunStatus.SUCCESS, T0.plusSeconds(5)));
    assertEquals(idle, apply(idle, new DependencyPassed(101, 7, T0), new DependenciesPassed(101, T0),
        jobStarted(1, 1), new JobFinished(101, 1, 1, 0, JobStatus.SUCCESS, T0),
        new LevelStarted(101, 2, List.of(new JobLaunch(3, 1)), T0, "node-a", 3L),
        new RunCancelled(101, "bob@api", T0)));
  }
}
