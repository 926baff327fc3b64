package io.baton.node;

import io.baton.chain.ChainContext;
import io.baton.chain.JobchainActor;
import io.baton.chain.JobchainActor.Command;
import io.baton.db.AwakeChains;
import io.baton.node.Catalog.ChainDefined;
import io.baton.schedule.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;

/**
 * The entities of a shard that are not chains. A shard's keeper ({@code shard-<n>}) starts with its
 * shard wherever the shard comes to live. It reads the shard's rows of baton_awake_chain, wakes at
 * once the chains that were awake on its previous node (they may have a run in progress) or whose
 * wake has passed, and gives every other chain of the shard an entry in the node's {@link
 * ChainWheel}: start-up reads nothing else for a chain that is not due. When the shard leaves, its
 * entries go.
 */
final class ShardKeeper {
  private ShardKeeper() {}

  private static final Duration LOOK_AGAIN = Duration.ofSeconds(1);

  /** What a keeper needs: the node's chains ({@code definitions}, read once {@code catalogLoaded}), its wheel. */
  record Keeping(Map<Long, ChainDefined> definitions, BooleanSupplier catalogLoaded, ChainWheel wheel,
      AwakeChains awake, Executor blocking, Clock clock) {}

  static Behavior<Command> create(int shard, Keeping keeping) {
    return Behaviors.setup(ctx -> {
      int generation = keeping.wheel().keep(shard, keeping.clock().instant());
      new Start(shard, generation, keeping, ctx.getSystem(), ctx.getLog()).look();
      return Behaviors.receive(Command.class)
          .onMessage(JobchainActor.HandOff.class, m -> Behaviors.stopped())
          .onAnyMessage(m -> Behaviors.same())
          .onSignal(PostStop.class, s -> {
            keeping.wheel().drop(shard, generation);
            return Behaviors.same();
          })
          .build();
    });
  }

  /** The keeper's first look at its shard, off the actor's thread; again a second later if it failed. */
  private record Start(int shard, int generation, Keeping keeping, ActorSystem<?> system, Logger log) {

    void look() {
      if (!keeping.wheel().keeps(shard, generation)) {
        return; // the shard left meanwhile
      }
      if (!keeping.catalogLoaded().getAsBoolean()) {
        again();
        return;
      }
      CompletableFuture.supplyAsync(() -> keeping.awake().ofShard(shard), keeping.blocking())
          .whenComplete((rows, error) -> {
            if (error != null) {
              log.warn("shard {}: could not read which of its chains to wake; trying again: {}", shard,
                  DatabaseOutage.rootMessage(error));
              again();
            } else if (keeping.wheel().keeps(shard, generation)) {
              try {
                wake(rows);
              } catch (RuntimeException e) {
                log.error("shard {}: could not wake its chains; trying again", shard, e);
                again();
              }
            }
          });
    }

    private void again() {
      system.scheduler().scheduleOnce(LOOK_AGAIN, this::look, system.executionContext());
    }

    private void wake(Map<Long, AwakeChains.Row> rows) {
      Instant now = keeping.clock().instant();
      NextFires nextFires = new NextFires(); // chains of one timestr share the computation
      List<Long> wakeNow = new ArrayList<>();
      for (ChainDefined defined : keeping.definitions().values()) {
        long id = defined.definition().id();
        if (ChainShards.shardOf(id) != shard) {
          continue;
        }
        ChainWheel.Entry entry = entry(rows.get(id), defined.schedule(), now, nextFires);
        keeping.wheel().sleep(id, entry, generation);
        if (entry.wakeAt() != null && !entry.wakeAt().isAfter(now)) {
          wakeNow.add(id);
        }
      }
      rows.forEach((id, row) -> {
        if (!keeping.definitions().containsKey(id)) {
          wakeNow.add(id); // deleted (woken to be forgotten), or its definition is on its way to the guardian
        }
      });
      wakeNow.forEach(id -> ChainShards.chain(system, id).tell(new JobchainActor.Wake()));
      log.debug("shard {} started here: {} chain(s) woken, the others asleep", shard, wakeNow.size());
    }

    /**
     * When a chain is woken: at once if it was awake when the shard left its previous node (or its
     * schedule cannot say); else shortly before its next fire from now, or at the wake its row
     * names if that comes first (a fire its previous node may not have woken it for). It owes no
     * fire from before its row's {@code fires_from}, nor, if it slept with no fire to wait for, from
     * before now.
     */
    private ChainWheel.Entry entry(AwakeChains.Row row, Schedule schedule, Instant now, NextFires nextFires) {
      if (row != null && row.awake()) {
        return new ChainWheel.Entry(shard, now, null);
      }
      Instant wakeAt = row == null ? null : row.wakeAt();
      if (schedule != null) {
        try {
          Instant next = nextFires.after(schedule, now);
          if (next != null && (wakeAt == null || next.minus(ChainWheel.WAKE_AHEAD).isBefore(wakeAt))) {
            wakeAt = next.minus(ChainWheel.WAKE_AHEAD);
          }
        } catch (RuntimeException e) {
          wakeAt = now; // its actor reports the schedule
        }
      }
      // slept with no fire to wait for (OFF, held): it owes nothing from before now
      Instant firesFrom = row == null ? null : row.wakeAt() == null ? now : row.firesFrom();
      return new ChainWheel.Entry(shard, wakeAt, firesFrom);
    }
  }

  /**
   * A chain started before this node's catalog had its definition (the node has just started):
   * its commands wait for the definition, then it runs as any chain; told Remove, it stops.
   */
  static Behavior<Command> awaitingDefinition(ChainContext chain, Instant hostedSince) {
    return Behaviors.withStash(1_000, stash -> Behaviors.receive(Command.class)
        .onMessage(JobchainActor.Define.class, d -> stash.unstashAll(
            JobchainActor.create(chain, d.definition(), d.schedule(), null, hostedSince)))
        .onMessage(JobchainActor.Remove.class, m -> {
          chain.dormancy().forget();
          return Behaviors.stopped();
        })
        .onMessage(JobchainActor.HandOff.class, m -> Behaviors.stopped())
        .onMessage(JobchainActor.Operate.class, m -> {
          if (!stash.isFull()) { // else dropped: the command desk hands it over again
            stash.stash(m);
          }
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build());
  }
}
