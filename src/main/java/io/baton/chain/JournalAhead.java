package io.baton.chain;

import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.chain.JobchainActor.Began;
import io.baton.chain.JobchainActor.Begin;
import io.baton.definition.ChainDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;

/**
 * A run is journaled as soon as it is decided, for a fire up to {@link FireTimer#LEAD} before its
 * instant, so its first processes start at the instant itself, not one durable write later. Until
 * the instant it has not begun: a switch OFF, a change of schedule, a deletion or a shutdown in
 * between withdraws it, and its fire counts as not taken.
 */
final class JournalAhead {
  static final String BEGIN = "begin";
  private static final String BEGAN = "began";
  /** A run journaled ahead begins this much before its instant; its first processes wait for the instant itself. */
  private static final Duration BEGIN_EARLY = Duration.ofMillis(50); // room for a busy dispatcher
  /** A fenced node asks again this often whether it may begin the run it journaled. */
  private static final Duration BEGIN_RETRY = Duration.ofMillis(100);

  private final ChainRuntime chain;
  private final RunStartRecord record;
  private final RunProgress progress;
  private long waitingToBegin; // the run journaled ahead whose fire instant has not come yet, or 0
  private Instant lastFireBefore; // the chain's last fire before that run

  JournalAhead(ChainRuntime chain, RunStartRecord record, RunProgress progress) {
    this.chain = chain;
    this.record = record;
    this.progress = progress;
  }

  /** Journals a run of the schedule; a fire still ahead begins at its instant, already durable by then. */
  EffectBuilder<ChainEvent, ChainState> startRun(ChainState previous, Trigger trigger, Instant scheduled) {
    return startRun(previous, chain.node.runIds().getAsLong(), trigger, scheduled, null, false, List.of(),
        state -> {});
  }

  /**
   * {@code rerun}: what a RERUN takes over; {@code skipDependencies}: they are not checked (a
   * RERUN without them); {@code alsoJournaled}: written in the same write (an operator's command);
   * {@code afterwards}: runs once the run is durable.
   */
  EffectBuilder<ChainEvent, ChainState> startRun(ChainState previous, long runId, Trigger trigger, Instant scheduled,
      ChainEvent.Rerun rerun, boolean skipDependencies, List<ChainEvent> alsoJournaled,
      Consumer<ChainState> afterwards) {
    ChainDefinition definition = chain.definition;
    ChainContext node = chain.node;
    Instant now = chain.now();
    Instant start = scheduled.isAfter(now) ? scheduled : now;
    List<ChainEvent> events = new ArrayList<>();
    RunStarted started = new RunStarted(runId, trigger, scheduled, start, definition, node.epoch(),
        node.settings().nodeName(), rerun);
    events.add(started);
    if (definition.dependencies().isEmpty() || skipDependencies) {
      events.add(new DependenciesPassed(runId, start));
      // the first level's attempts are journaled with the run: nothing durable between fire and process
      ActiveRun run = ActiveRun.started(started, previous.lastFire()).withDependenciesPassed(start);
      run.nextLevel(start, node.settings().nodeName(), node.epoch()).ifPresent(events::add);
    }
    events.addAll(alsoJournaled);
    lastFireBefore = previous.lastFire();
    return chain.effect.persist(events).thenRun(state -> {
      if (start.isAfter(now)) { // written once the run is durable
        chain.log.info("chain {}: run {} journaled, starts at its fire {} ({})", chain.chainId, runId, scheduled, trigger);
      } else {
        chain.log.info("chain {}: run {} starts ({} of {})", chain.chainId, runId, trigger, scheduled);
      }
      afterwards.accept(state);
      chain.arm(state);
      beginAt(state.active());
    });
  }

  /** The run found active after a restart goes on: begun again at once, recorded as begun at its start. */
  void resume(ActiveRun run) {
    record.resuming(true);
    beginAt(run);
  }

  private void beginAt(ActiveRun run) {
    Duration wait = Duration.between(chain.now(), run.startTime().minus(BEGIN_EARLY));
    waitingToBegin = run.runId();
    if (wait.isNegative() || wait.isZero()) {
      begin(run);
    } else {
      chain.timers.startSingleTimer(BEGIN, new Begin(run.runId()), wait);
    }
  }

  Effect<ChainEvent, ChainState> onBegin(ChainState state, Begin b) {
    if (b.runId() == waitingToBegin && b.runId() == state.active().runId()) {
      begin(state.active());
    }
    return chain.effect.none();
  }

  /**
   * Side effects of a run that is (again) under way: record it and start what comes next. A node
   * that may not lead right now (paused past its lease, cut off) begins nothing and asks again:
   * either its lease is renewed and the run begins late, recorded at the instant it really began,
   * or another node leads and this chain actor is stopped, the run left to it.
   */
  private void begin(ActiveRun run) {
    if (!chain.node.guard().leading()) {
      chain.timers.startSingleTimer(BEGIN, new Begin(run.runId()), BEGIN_RETRY);
      return;
    }
    waitingToBegin = 0;
    chain.log.run(run.runId());
    Instant now = chain.now();
    if (record.resuming()) { // it began at its start on its first node
      record.record(run, run.startTime());
    } else if (run.startTime().isAfter(now)) {
      // recorded at the instant itself, as its first processes start: a node that dies in the last
      // milliseconds before the fire has begun nothing, and its successor runs the fire as a misfire
      chain.timers.startSingleTimer(BEGAN, new Began(run.runId()), Duration.between(now, run.startTime()));
    } else {
      record.record(run, now);
    }
    boolean resumed = record.resuming();
    record.resuming(false);
    progress.proceed(run, resumed);
  }

  Effect<ChainEvent, ChainState> onBegan(ChainState state, Began b) {
    if (b.runId() != state.active().runId() || record.recorded(b.runId())) {
      return chain.effect.none();
    }
    if (!chain.node.guard().leading()) {
      chain.timers.startSingleTimer(BEGAN, b, BEGIN_RETRY); // its processes wait for the lease as well
      return chain.effect.none();
    }
    record.recordAt(state.active(), chain.now());
    return chain.effect.none();
  }

  /** A run journaled ahead whose instant has not come (a resumed run began long ago, elsewhere). */
  boolean notBegun(ChainState state) {
    return state.running() && waitingToBegin == state.active().runId() && !record.resuming();
  }

  /** The run journaled ahead is taken back, as if its fire had not been taken; journaled with {@code also}. */
  EffectBuilder<ChainEvent, ChainState> withdraw(ChainState state, String why, ChainEvent... also) {
    return withdraw(state, why, lastFireBefore, also);
  }

  /**
   * The run journaled ahead is taken back because its node stops: its fire becomes a missed one,
   * for the next start's misfire rule, also when it was the chain's first.
   */
  EffectBuilder<ChainEvent, ChainState> withdrawAsMissed(ChainState state, String why) {
    Instant before = lastFireBefore != null ? lastFireBefore : state.active().scheduledTime().minusNanos(1);
    return withdraw(state, why, before);
  }

  private EffectBuilder<ChainEvent, ChainState> withdraw(ChainState state, String why, Instant lastFire,
      ChainEvent... also) {
    cancelBegin();
    chain.log.info("chain {}: run {} had not begun and is withdrawn: {}", chain.chainId, state.active().runId(), why);
    List<ChainEvent> events = new ArrayList<>(List.of(new RunWithdrawn(state.active().runId(), lastFire)));
    events.addAll(List.of(also));
    return chain.effect.persist(events);
  }

  /** The run will not begin here now (cancelled, or withdrawn). */
  void cancelBegin() {
    chain.timers.cancel(BEGIN);
    waitingToBegin = 0;
  }
}
