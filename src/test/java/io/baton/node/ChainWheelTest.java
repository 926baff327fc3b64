package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.chain.ChainGauges;
import io.baton.schedule.Schedule;
import io.baton.schedule.Schedules;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChainWheelTest {
  private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

  private final Set<Long> armed = new HashSet<>();
  private final ChainWheel wheel = new ChainWheel(new ChainGauges() {
    @Override
    public void armed(long chainId, boolean isArmed) {
      if (isArmed) {
        armed.add(chainId);
      } else {
        armed.remove(chainId);
      }
    }

    @Override
    public void jobOutcome(Instant at) {}
  });

  @Test
  void aSleepingChainIsDueAtItsWakeInstantAndKeepsItsEntryUntilItsActorStarts() {
    int generation = wheel.keep(3, T);
    wheel.sleep(33, new ChainWheel.Entry(3, T.plusSeconds(50), null), generation);
    wheel.sleep(63, new ChainWheel.Entry(3, T.plusSeconds(90), null), generation);

    assertEquals(List.of(), wheel.due(T.plusSeconds(49)));
    assertEquals(List.of(33L), wheel.due(T.plusSeconds(50)));
    assertEquals(List.of(33L), wheel.due(T.plusSeconds(51)), "a wake that did not reach it is sent again");
    assertEquals(Set.of(33L, 63L), armed, "a sleeping chain with a fire ahead counts as armed");

    ChainWheel.Entry slept = wheel.awake(33);
    assertEquals(T.plusSeconds(50), slept.wakeAt());
    assertEquals(List.of(), wheel.due(T.plusSeconds(60)));
    assertFalse(wheel.isAsleep(33));
    assertTrue(wheel.isAsleep(63));
  }

  @Test
  void aChainWithoutAFireSleepsUnarmedUntilAChangeOrACommandWakesIt() {
    wheel.keep(4, T);
    wheel.sleep(4, 4, null, null);
    assertTrue(wheel.isAsleep(4));
    assertEquals(List.of(), wheel.due(T.plusSeconds(1_000_000)));
    assertFalse(armed.contains(4L));
  }

  @Test
  void aKeeperFillsOnlyItsOwnShardAndNeverOverAnAwakeChain() {
    int old = wheel.keep(5, T);
    int current = wheel.keep(5, T.plusSeconds(5)); // the shard left and came back: a new keeper
    assertEquals(T.plusSeconds(5), wheel.keptSince(5), "its chains were hosted here from the new keeper on");
    wheel.sleep(5, new ChainWheel.Entry(5, T, null), old);
    assertFalse(wheel.isAsleep(5), "a keeper that no longer keeps the shard adds nothing");

    wheel.awake(35);
    wheel.sleep(35, new ChainWheel.Entry(5, T, null), current);
    assertFalse(wheel.isAsleep(35), "its actor runs: it is not asleep");

    wheel.sleep(6, new ChainWheel.Entry(6, T, null), -1);
    assertFalse(wheel.isAsleep(6), "shard 6 is not kept here");
  }

  @Test
  void theShardLeavingTakesItsSleepingChainsAlong() {
    int five = wheel.keep(5, T);
    int seven = wheel.keep(7, T);
    wheel.sleep(5, new ChainWheel.Entry(5, T, null), five);
    wheel.sleep(7, new ChainWheel.Entry(7, T, null), seven);

    wheel.drop(5, five);

    assertEquals(List.of(7L), wheel.due(T));
    assertEquals(Set.of(7L), armed);
    assertFalse(wheel.keeps(5));
    assertNull(wheel.keptSince(5));
    wheel.awake(35);
    wheel.sleep(35, 5, T, null);
    assertFalse(wheel.isAsleep(35), "a chain of a shard that left sleeps on its next node");
  }

  @Test
  void chainsOfOneTimestrShareOneComputation() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    Schedule hourly = Schedules.parse("@hourly", ZoneOffset.UTC);
    Schedule counted = new Schedule() {
      @Override
      public java.util.Optional<Instant> nextFireAfter(Instant after) {
        computed.incrementAndGet();
        return hourly.nextFireAfter(after);
      }

      @Override
      public String text() {
        return hourly.text();
      }
    };
    NextFires nextFires = new NextFires();
    assertEquals(T.plusSeconds(3600), nextFires.after(counted, T));
    assertEquals(T.plusSeconds(3600), nextFires.after(counted, T.plusSeconds(1800)));
    assertEquals(1, computed.get(), "a later instant before the known fire has the same next fire");
    assertEquals(T.plusSeconds(7200), nextFires.after(counted, T.plusSeconds(3600)));
    assertEquals(T, nextFires.after(counted, T.minusSeconds(1)), "an earlier instant is computed again");
    assertEquals(3, computed.get());
  }
}
