package io.baton.chain;

import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.FiresMissed;
import io.baton.chain.JobchainActor.CatchUp;
import io.baton.chain.JobchainActor.Define;
import io.baton.chain.JobchainActor.RunExamined;
import io.baton.chain.JobchainActor.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;

/**
 * The chain's schedule: the Catalog's definition taken in, the next fire armed, a due fire run (or
 * skipped while a run is active), and after a start the fires missed while no node ran, caught up
 * once if recent enough. A node that may not lead right now takes no fire: it looks again shortly.
 */
record Firing(ChainRuntime chain, JournalAhead ahead, Recovery recovery) {

  EffectBuilder<ChainEvent, ChainState> define(ChainState state, Define d) {
    boolean first = chain.definition == null;
    chain.definition = d.definition();
    if (!d.definition().switchOn()) {
      chain.switchedOff = false; // the tables say OFF too now
    }
    FireTimer fireTimer = chain.fireTimer;
    // switched OFF by an operator: a definition read before the switch was written must not re-arm it
    boolean changed = fireTimer.use(chain.switchedOff ? null : d.schedule());
    if (first) {
      if (state.running() && recovery.mayNeverHaveBegun(state.active())) {
        recovery.examine(state.active()); // answered by RunExamined
        return chain.effect.none();
      }
      return startFiring(state);
    }
    if (changed || chain.fireTimer.schedule() == null) {
      forgetOwed("its schedule changed or it was switched OFF before the resumed run ended");
    }
    boolean mustNotFire = mustNotFire();
    if ((changed || mustNotFire) && ahead.notBegun(state)) {
      // switched OFF, held, or rescheduled before the instant of a run journaled ahead: that fire never came
      return ahead.withdraw(state, "its chain changed").thenRun(after -> {
        if (!mustNotFire) {
          fireTimer.startFrom(chain.now());
          chain.arm(after);
        }
      });
    }
    if (mustNotFire) {
      fireTimer.disarm();
    } else if (changed || !fireTimer.armed()) {
      fireTimer.startFrom(chain.now());
      chain.arm(state);
    }
    return chain.effect.none();
  }

  private boolean mustNotFire() {
    return chain.fireTimer.schedule() == null || chain.stopping();
  }

  /** The first definition after a start: the chain fires from now on, and catches up what it missed. */
  private EffectBuilder<ChainEvent, ChainState> startFiring(ChainState state) {
    if (mustNotFire()) {
      chain.fireTimer.disarm();
      return chain.effect.none();
    }
    return catchUp(state, true);
  }

  /** The host said whether the run found active at the start began here: it goes on, or is withdrawn. */
  Effect<ChainEvent, ChainState> onRunExamined(ChainState state, RunExamined m) {
    chain.waitingForHost = false;
    boolean neverBegan = !m.startedHere() && state.running() && state.active().runId() == m.runId();
    return (neverBegan ? recovery.withdrawNeverBegun(state.active()) : startFiring(state)).thenUnstashAll();
  }

  Effect<ChainEvent, ChainState> onCatchUp(ChainState state, CatchUp c) {
    chain.catchUpDue = false;
    Misfires owed = chain.owedAfterRun;
    if (owed == null) {
      return chain.fireTimer.schedule() == null ? chain.effect.none() : catchUp(state, false);
    }
    if (state.running() || chain.stopping()) {
      // another run began first (an operator's): the catch-up waits for its end too; or the chain
      // is handed over or deleted: the next node counts the missed fires again, or nobody runs them
      return chain.effect.none();
    }
    chain.owedAfterRun = null;
    if (chain.fireTimer.schedule() == null) {
      chain.report(null, chain.messages.owedDropped(owed, "the chain no longer fires (switched OFF or held)"));
      return chain.effect.none();
    }
    return runOrName(state, owed, chain.now(), true);
  }

  /** A catch-up owed after the resumed run is not run by a schedule other than the one it was owed by. */
  private void forgetOwed(String why) {
    if (chain.owedAfterRun != null) {
      chain.report(null, chain.messages.owedDropped(chain.owedAfterRun, why));
      chain.owedAfterRun = null;
    }
  }

  /**
   * Fires owed since the chain's last one: one catch-up run for the latest if it is recent enough.
   * {@code mayBeLate}: a single fire owed from while this node held the chain's shard is not a
   * missed one but a late one (the chain's actor started after it: a busy node woke it late, or it
   * was started again), taken now as itself, as an awake chain takes a fire its timer reports
   * late; not so for the fire of a run withdrawn at recovery, which counts as missed.
   */
  private EffectBuilder<ChainEvent, ChainState> catchUp(ChainState state, boolean mayBeLate) {
    Instant now = chain.now();
    chain.fireTimer.startFrom(now);
    Misfires missed;
    try {
      missed = Misfires.between(chain.fireTimer.schedule(), owedSince(state), now);
    } catch (RuntimeException e) { // a schedule whose fires cannot be computed: held by arm()
      chain.arm(state);
      return chain.effect.none();
    }
    if (missed.count() == 0) {
      chain.arm(state);
      return chain.effect.none();
    }
    Duration grace = chain.node.settings().misfireGrace();
    boolean recent = Duration.between(missed.latest(), now).compareTo(grace) <= 0;
    if (mayBeLate && recent && !state.running() && missed.count() == 1 && chain.hostedSince != null
        && missed.latest().isAfter(chain.hostedSince)) {
      chain.log.info("chain {}: fire of {} taken late: the chain woke after it", chain.chainId, missed.latest());
      return ahead.startRun(state, Trigger.SCHEDULE, missed.latest());
    }
    if (recent && state.running()) {
      if (chain.hostedSince == null || !missed.first().isAfter(chain.hostedSince)) {
        // the run found active is resumed, but no node ran it while these fell: they are caught up
        // once it ends (the fires after this start are skipped while it runs, as usual). Named now,
        // as that is not journaled: should the chain stop first, they stay named.
        chain.owedAfterRun = missed;
        chain.report(null, chain.messages.owedAfterRun(missed));
        chain.arm(state);
        return chain.effect.none();
      }
      // all fell while this node held the shard and the run went on here: skipped, as it overlapped
      chain.report(null, chain.messages.misfires(missed, true, true, grace));
      return skip(missed.latest());
    }
    return runOrName(state, missed, now, false);
  }

  /**
   * One catch-up run for the latest of the missed fires, named with it (unless {@code named}
   * already); none if it is too old.
   */
  private EffectBuilder<ChainEvent, ChainState> runOrName(ChainState state, Misfires missed, Instant now,
      boolean named) {
    Duration grace = chain.node.settings().misfireGrace();
    boolean recent = Duration.between(missed.latest(), now).compareTo(grace) <= 0;
    String message = chain.messages.misfires(missed, recent, false, grace);
    if (!recent) {
      chain.report(null, message);
      chain.arm(state);
      return chain.effect.none();
    }
    // the missed fires are journaled with their catch-up run, and named after it is durable (then
    // again by whichever node resumes the run: see Recovery)
    long runId = chain.node.runIds().getAsLong();
    FiresMissed fires = new FiresMissed(runId, missed.count(), missed.first(), missed.latest(), missed.countCapped());
    return ahead.startRun(state, runId, Trigger.MISFIRE, missed.latest(), null, false, List.of(fires), after -> {
      if (!named) {
        chain.report(runId, message);
      }
    });
  }

  /**
   * The instant after which fires are owed: the chain's last fire, or the moment it was switched
   * ON or rescheduled while it slept, if later or if it never fired (the first catch-up of its
   * actor only): a chain rescheduled to fire a few seconds ahead whose actor starts after that
   * fire owes it.
   */
  private Instant owedSince(ChainState state) {
    Instant last = state.lastFire();
    Instant from = chain.firesFrom;
    chain.firesFrom = null;
    return from != null && (last == null || from.isAfter(last)) ? from : last;
  }

  Effect<ChainEvent, ChainState> fireWhenIdle(ChainState state, Tick tick) {
    if (chain.catchUpDue) {
      return chain.effect.none(); // the catch-up goes first, and arms the timer again after it
    }
    if (!chain.node.guard().leading()) {
      chain.fireTimer.retrySoon(); // fenced: a fire is taken late, never by a node that may have lost the lease
      return chain.effect.none();
    }
    return chain.fireTimer.dueWithin(FireTimer.LEAD)
        .map(fire -> (Effect<ChainEvent, ChainState>) ahead.startRun(state, Trigger.SCHEDULE, fire))
        .orElseGet(chain.effect::none);
  }

  Effect<ChainEvent, ChainState> fireWhileRunning(ChainState state, Tick tick) {
    if (!chain.node.guard().leading()) {
      chain.fireTimer.retrySoon();
      return chain.effect.none();
    }
    return chain.fireTimer.dueWithin(Duration.ZERO)
        .map(fire -> (Effect<ChainEvent, ChainState>) skip(fire))
        .orElseGet(chain.effect::none);
  }

  private EffectBuilder<ChainEvent, ChainState> skip(Instant fire) {
    chain.log.info("chain {}: fire of {} skipped, a run is still active", chain.chainId, fire);
    return chain.effect.persist(new FireSkipped(fire)).thenRun(chain::arm);
  }

  Effect<ChainEvent, ChainState> onClockMoved(ChainState state, JobchainActor.ClockMoved m) {
    chain.fireTimer.waitAgain();
    return chain.effect.none();
  }
}
