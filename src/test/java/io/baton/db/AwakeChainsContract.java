package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AwakeChains (baton_awake_chain) and the outcome writer's records of sleeping chains, on H2 and MariaDB. */
abstract class AwakeChainsContract extends FreshDatabase {
  private static final Instant WAKE = Instant.parse("2030-01-01T09:59:50.123456Z");
  private static final Instant FROM = Instant.parse("2029-12-31T12:02:00Z");

  AwakeChainsContract(Kind kind) {
    super(kind);
  }

  @Test
  void aChainIsAwakeUntilItsActorSleepsThenItsRowSaysWhenToWakeIt() {
    AwakeChains awake = new AwakeChains(ds);
    RunRepository writer = new RunRepository(ds);
    awake.register(List.of(new AwakeChains.Awake(7, 7, 100), new AwakeChains.Awake(37, 7, 101),
        new AwakeChains.Awake(8, 8, 102)));
    assertEquals(Map.of(7L, new AwakeChains.Row(true, null, null), 37L, new AwakeChains.Row(true, null, null)), awake.ofShard(7));

    writer.apply(List.of(new RunRecord.ChainAsleep(7, 100, WAKE, FROM), new RunRecord.ChainAsleep(37, 101, null, null)));
    assertEquals(Map.of(7L, new AwakeChains.Row(false, WAKE, FROM), 37L, new AwakeChains.Row(false, null, null)), awake.ofShard(7));

    writer.apply(List.of(new RunRecord.ChainForgotten(8)));
    assertEquals(Map.of(), awake.ofShard(8));
  }

  @Test
  void aDeletedChainsRowGoesWhoeverWroteItLast() {
    AwakeChains awake = new AwakeChains(ds);
    awake.register(List.of(new AwakeChains.Awake(9, 9, 300)));
    new RunRepository(ds).apply(List.of(new RunRecord.ChainForgotten(9)));
    assertEquals(Map.of(), awake.ofShard(9));
  }

  @Test
  void aLateWriteOfAnEarlierActorLeavesTheChainsLaterActorAlone() {
    AwakeChains awake = new AwakeChains(ds);
    RunRepository writer = new RunRepository(ds);
    awake.register(List.of(new AwakeChains.Awake(7, 7, 100)));
    awake.register(List.of(new AwakeChains.Awake(7, 7, 200))); // woken again before the first one's sleep was written

    writer.apply(List.of(new RunRecord.ChainAsleep(7, 100, WAKE, FROM)));

    assertEquals(Map.of(7L, new AwakeChains.Row(true, null, null)), awake.ofShard(7));
  }
}
