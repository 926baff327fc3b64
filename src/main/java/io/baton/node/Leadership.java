package io.baton.node;

import io.baton.config.BatonSettings;
import io.baton.config.BatonSettings.Site;
import io.baton.db.LeaseRepository;
import io.baton.db.LeaseRepository.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps or seeks the leader lease on realtime_status. The leader does the node-wide chores (it
 * hands operators' commands to the chains, writes the messages of held chains, prunes the history);
 * the chains themselves run on every node, fenced by their shards' leases. The leader renews five
 * times per ttl; a standby tries to take the lease four times a second and at the moment it runs
 * out, so a takeover follows the expiry closely.
 */
public final class Leadership {

  public sealed interface Command {}

  private record Tick() implements Command {}

  private static final String TICK = "tick";

  /** {@code lease} null: a bkp leader let it lapse for a main node (or the attempt failed). */
  private record Answer(Lease lease, long sentNanos, Throwable error) implements Command {}

  /** Acting stops this long before the lease can have expired on the database's clock. */
  static final Duration SAFETY_MARGIN = Duration.ofMillis(1500);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final LeaseRepository leases;
  private final BatonSettings settings;
  private final LeaseGuard guard;
  private final Executor blocking;
  private final DatabaseOutage outage;
  private long epoch = -1; // -1: standing by
  private long lastRenewalSent;
  private final Duration renewEvery;
  private final Duration standbyTick;
  private final Duration leaderTick;
  private boolean asking;
  private boolean fencedLogged;
  private boolean answered; // the database has answered this process once

  public static Behavior<Command> create(LeaseRepository leases, BatonSettings settings, LeaseGuard guard,
      Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Leadership leadership = new Leadership(ctx, timers, leases, settings, guard, blocking);
      leadership.tickEvery(Duration.ZERO, leadership.standbyTick);
      return leadership.behavior();
    }));
  }

  /** Standing by, four times a second (at most ttl/5); leading, twice per renewal (at most every second). */
  private void tickEvery(Duration first, Duration every) {
    timers.startTimerWithFixedDelay(TICK, new Tick(), first, every);
  }

  private Leadership(ActorContext<Command> context, TimerScheduler<Command> timers, LeaseRepository leases,
      BatonSettings settings, LeaseGuard guard, Executor blocking) {
    this.context = context;
    this.timers = timers;
    this.leases = leases;
    this.settings = settings;
    this.guard = guard;
    this.blocking = blocking;
    this.outage = new DatabaseOutage(context.getLog(), "keeping the leader lease");
    this.renewEvery = settings.leaseTtl().dividedBy(5);
    this.standbyTick = min(renewEvery, Duration.ofMillis(250));
    this.leaderTick = min(renewEvery.dividedBy(2), Duration.ofSeconds(1));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, m -> ask())
        .onMessage(Answer.class, this::onAnswer)
        .build();
  }

  private Behavior<Command> ask() {
    if (guard.state() == LeaseGuard.State.FENCED && !fencedLogged) {
      fencedLogged = true;
      context.getLog().warn("leadership: lease not renewed in time (epoch {}): no node-wide chores"
          + " until it is renewed or another node takes it", epoch);
    }
    // the leader renews at the tick nearest ttl/5 after its last renewal was sent (a little after
    // its tick); standbys ask at every tick
    long dueAfter = renewEvery.minus(leaderTick.dividedBy(2)).toNanos();
    if (asking || (epoch >= 0 && System.nanoTime() - lastRenewalSent < dueAfter)) {
      return Behaviors.same();
    }
    asking = true;
    String node = settings.nodeName();
    String site = siteName();
    boolean bkp = settings.site() == Site.BKP;
    long mine = epoch;
    boolean firstAsk = !answered;
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      long sent = System.nanoTime();
      // a bkp leader lets the lease lapse once a main node is back, instead of renewing it
      boolean mainAlive = bkp && leases.mainNodeAlive(node, settings.leaseTtl());
      Lease lease = mainAlive && mine >= 0 ? null
          : leases.takeOrRenew(node, site, mine, settings.leaseTtl(), bkp, firstAsk);
      return new Answer(lease, sent, null);
    }, blocking), (answer, error) -> answer != null ? answer : new Answer(null, 0, error));
    return Behaviors.same();
  }

  private Behavior<Command> onAnswer(Answer a) {
    asking = false;
    if (outage.failed(a.error())) {
      return Behaviors.same();
    }
    answered = true;
    Lease lease = a.lease();
    guard.othersAlive(lease == null || lease.othersAlive()); // null: a bkp leader hands over to a live main node
    if (lease != null && settings.nodeName().equals(lease.holder()) && lease.won()) {
      held(lease, a.sentNanos());
    } else if (epoch < 0 && lease != null) {
      // standing by: try again the moment the holder's lease runs out, not at the next tick
      Duration left = lease.expiresIn();
      if (!left.isNegative() && left.compareTo(Duration.ofMillis(250)) < 0) {
        timers.startSingleTimer("at-expiry", new Tick(), left.plusMillis(5));
      }
    } else if (epoch >= 0 && (lease != null || guard.state() != LeaseGuard.State.LEADING)) {
      long was = epoch;
      epoch = -1;
      tickEvery(Duration.ZERO, standbyTick);
      guard.depose();
      context.getLog().warn("leadership: deposed (epoch {}); {} — standing by", was,
          lease == null ? "handing over to a main node" : "node " + lease.holder() + " leads under epoch " + lease.epoch());
      showRole(null);
    }
    return Behaviors.same();
  }

  private void held(Lease lease, long sentNanos) {
    guard.renewed(sentNanos, settings.leaseTtl(), SAFETY_MARGIN, lease.epoch());
    lastRenewalSent = sentNanos;
    fencedLogged = false;
    if (lease.epoch() == epoch) {
      return; // renewed
    }
    if (epoch >= 0 && lease.epoch() == epoch + 1) {
      // our own lease lapsed (database away, long pause) and nobody else took it: carry on
      context.getLog().warn("leadership: lease lapsed and taken back (epoch {} -> {}); no other node led meanwhile",
          epoch, lease.epoch());
      epoch = lease.epoch();
    } else {
      epoch = lease.epoch();
      tickEvery(leaderTick, leaderTick);
      context.getLog().info("leadership: elected leader (epoch {}, site {}, since {})", epoch, siteName(), lease.since());
    }
    showRole(epoch);
  }

  private void showRole(Long leadingEpoch) {
    String node = settings.nodeName();
    String site = siteName();
    CompletableFuture.runAsync(() -> leases.showRole(node, site, leadingEpoch), blocking);
  }

  private String siteName() {
    return settings.site().name().toLowerCase(java.util.Locale.ROOT);
  }
}
