package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AwakeChains (baton_awake_chain) and the outcome writer's records of sleeping chains, on H2 and MariaDB. */
abstract class AwakeChainsContract extends FreshDatabase {
  private static final Instant WAKE = Instant.parse("2030-01-01T09:59:50.123456Z");

  AwakeChainsContract(Kind kind) {
    super(kind);
  }

  @Test
  void aChainIsAwakeUntilItsActorSleepsThenItsRowSaysWhenToWakeIt() {
    AwakeChains awake = new AwakeChains(ds);
    RunRepository writer = new RunRepository(ds);
    awake.register(List.of(new AwakeChains.Awake(7, 7, 100), new AwakeChains.Awake(37, 7, 101),
        new AwakeChains.Awake(8, 8, 102)));
    assertEquals(Map.of(7L, new AwakeChains.Row(true, null), 37L, new AwakeChains.Row(true, null)), awake.ofShard(7));

    writer.apply(List.of(new RunRecord.ChainAsleep(7, 100, WAKE), new RunRecord.ChainAsleep(37, 101, null)));
    assertEquals(Map.of(7L, new AwakeChains.Row(false, WAKE), 37L, new AwakeChains.Row(false, null)), awake.ofShard(7));

    writer.apply(List.of(new RunRecord.ChainForgotten(8, 102)));
    assertEquals(Map.of(), awake.ofShard(8));
  }

  @Test
  void aLateWriteOfAnEarlierActorLeavesTheChainsLaterActorAlone() {
    AwakeChains awake = new AwakeChains(ds);
    RunRepository writer = new RunRepository(ds);
    awake.register(List.of(new AwakeChains.Awake(7, 7, 100)));
    awake.register(List.of(new AwakeChains.Awake(7, 7, 200))); // woken again before the first one's sleep was written

    writer.apply(List.of(new RunRecord.ChainAsleep(7, 100, WAKE), new RunRecord.ChainForgotten(7, 100)));

    assertEquals(Map.of(7L, new AwakeChains.Row(true, null)), awake.ofShard(7));
  }
}
