package io.baton.chain;

import io.baton.definition.ChainDefinition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.chain.ChainEvent.JobLaunch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state an operator's commands leave in a chain: remembered commands, reruns, cancels. */
class OperatorCommandStateTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final ChainDefinition CHAIN = new ChainDefinition(5, "c", 3, "@yearly", 0, false, true, false,
      List.of(new JobDefinition(1, null, "a.sh", 1, "60", null), new JobDefinition(2, null, "b.sh", 2, "60", null),
          new JobDefinition(3, null, "c.sh", 2, "60", null), new JobDefinition(4, null, "d.sh", 3, "60", null)),
      List.of());

  @Test
  void aCarriedOutCommandIsRememberedSoItIsNotCarriedOutAgainAndOnlyTheLatestAreKept() {
    ChainState state = ChainState.empty();
    for (long id = 1; id <= 40; id++) {
      state = state.apply(new ChainEvent.CommandCarriedOut(id, "done " + id, null));
    }
    assertEquals("done 40", state.carriedOut(40).orElseThrow().outcome());
    assertTrue(state.carriedOut(9).isPresent(), "the last 32 are kept");
    assertTrue(state.carriedOut(8).isEmpty());
  }

  @Test
  void aRerunSkipsWhatSucceededAndRunsTheRestOneAttemptHigher() {
    ChainEvent.Rerun rerun = new ChainEvent.Rerun(77, List.of(1L, 2L), List.of(new JobLaunch(1, 1),
        new JobLaunch(2, 1), new JobLaunch(3, 2)));
    ChainState state = ChainState.empty().apply(new ChainEvent.RunStarted(90, Trigger.RERUN, T0, T0.plusSeconds(60),
        CHAIN, 1L, "n", rerun));
    ActiveRun run = state.active().withDependenciesPassed(T0);

    assertEquals(77L, run.rerunOf());
    assertEquals(2, run.currentLevel().orElseThrow(), "level 1 succeeded in run 77");
    ChainEvent.LevelStarted level = run.nextLevel(T0, "n", 1L).orElseThrow();
    assertEquals(List.of(new JobLaunch(3, 3)), level.jobs(), "only job 3, attempt one above its last");
    assertNull(state.lastFire(), "a rerun is not a fire of the schedule");
  }

  @Test
  void aCancelledRunFailsAsCancelledWhateverItsJobsDid() {
    ChainState state = ChainState.empty().apply(new ChainEvent.RunStarted(91, Trigger.MANUAL, T0, T0, CHAIN, 1L, "n",
        null));
    state = state.apply(new ChainEvent.RunCancelled(91, "cli@host", T0.plusSeconds(1)));
    assertEquals("cli@host", state.active().cancelledBy());
    assertEquals(RunStatus.CANCELLED, state.active().failure().orElseThrow());
    state = state.apply(new ChainEvent.RunFinished(91, RunStatus.CANCELLED, T0.plusSeconds(2)));
    assertEquals(RunStatus.CANCELLED, state.lastRun().status());
  }
}
