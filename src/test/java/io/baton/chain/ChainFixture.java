package io.baton.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.definition.ChainDefinition;
import io.baton.schedule.InvalidScheduleException;
import io.baton.schedule.Schedule;
import io.baton.schedule.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * One chain actor on a test node: the event-sourced behaviour test kit with an in-memory journal,
 * manual time, and fakes for everything the chain reaches through its context. Time moves only
 * through {@link #advanceTo}: timer by timer, the wall clock with them, and after each step the
 * test waits until the actor system has nothing left to do, so every test is deterministic.
 */
final class ChainFixture implements AutoCloseable {
  private static final Config DEFAULTS = ConfigLoader.load(null, Map.of());
  private static final Object END_OF_TEST = new Object();

  final ChainDefinition chain;
  final FakeHost host;
  final Ledger ledger = new Ledger();
  final Guard guard = new Guard();
  final BegunRuns begunRuns = new BegunRuns();
  final Pool pool = new Pool();
  final BatonSettings settings;
  private final ZoneId zone;
  private final ManualTimeSystem system = ManualTimeSystem.get();
  private final ManualClock clock;
  private final EventSourcedBehaviorTestKit<JobchainActor.Command, ChainEvent, ChainState> kit;
  private volatile ActorRef<JobchainActor.Command> actor;

  /** The lease: whether this node may act now (epoch 1 throughout). */
  static final class Guard implements LeaderGuard {
    volatile boolean leading = true;

    @Override
    public boolean leading() {
      return leading;
    }

    @Override
    public long epoch() {
      return 1;
    }
  }

  /**
   * The blocking pool processes are started on: a start runs at once, unless the test holds them
   * (a node about to die: the starts it asked for never happen).
   */
  static final class Pool implements Executor {
    private volatile boolean holding;

    void holdStarts() {
      holding = true;
    }

    @Override
    public void execute(Runnable start) {
      if (!holding) {
        start.run();
      }
    }
  }

  /** How a test's node is set up before its chain actor starts. */
  static final class Builder {
    private final ChainDefinition chain;
    private final Instant now;
    private ZoneId zone = ZoneOffset.UTC;
    private Instant firesFrom;
    private Instant hostedSince;
    private final Map<String, String> settings = new HashMap<>(Map.of("baton.node-name", "node-a"));

    private Builder(ChainDefinition chain, Instant now) {
      this.chain = chain;
      this.now = now;
    }

    /** The chain was rescheduled (or switched ON) at this instant while it slept: its wheel entry says so. */
    Builder firesFrom(Instant firesFrom) {
      this.firesFrom = firesFrom;
      return this;
    }

    /** This node has held the chain's shard since this instant. */
    Builder hostedSince(Instant hostedSince) {
      this.hostedSince = hostedSince;
      return this;
    }

    /** The zone the chain's timestr is read in. */
    Builder zone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    /** A baton.* setting, e.g. ("baton.recovery", "fail"). */
    Builder setting(String key, String value) {
      settings.put(key, value);
      return this;
    }

    ChainFixture start() {
      return new ChainFixture(this);
    }
  }

  static Builder of(ChainDefinition chain, Instant now) {
    return new Builder(chain, now);
  }

  /** A chain in UTC with the default settings, started at {@code now}. */
  static ChainFixture start(ChainDefinition chain, Instant now) {
    return of(chain, now).start();
  }

  private ChainFixture(Builder b) {
    chain = b.chain;
    zone = b.zone;
    settings = BatonSettings.from(ConfigFactory.parseMap(b.settings).withFallback(DEFAULTS));
    clock = new ManualClock(system.scheduler, b.now);
    host = new FakeHost(clock, ledger::recorded);
    AtomicLong runIds = new AtomicLong(100);
    ChainContext node = new ChainContext(settings, clock, host, pool, ledger, runIds::incrementAndGet,
        new ChainGauges() {
          @Override
          public void armed(long chainId, boolean armed) {}

          @Override
          public void jobOutcome(Instant at) {}
        }, guard, begunRuns, RunMetrics.NONE);
    Behavior<JobchainActor.Command> chainActor = Behaviors.setup(context -> {
      actor = context.getSelf(); // for commands after which it may stop, and to stop it after the test
      return stoppable(JobchainActor.create(node, chain, schedule(chain), b.firesFrom, b.hostedSince));
    });
    // commands are local messages (actor refs, parsed schedules) and are never serialized; events and
    // state are journaled, and must come back from the serializer equal
    kit = EventSourcedBehaviorTestKit.create(system.testKit.system(), chainActor,
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false).withVerifyEquality(true));
    settle();
  }

  // ---- time -------------------------------------------------------------------------------------

  Instant now() {
    return clock.instant();
  }

  /**
   * Time passes until the wall clock reads {@code wall}: each timer fires at its instant, each
   * process planned to end ends at its instant, and what one sets off is over before the next.
   */
  void advanceTo(Instant wall) {
    long target = clock.schedulerTimeAt(wall);
    if (target < system.scheduler.currentTimeMs()) {
      throw new IllegalArgumentException("time does not go back: " + wall + " is before " + now());
    }
    while (true) {
      long timer = system.nextTimer();
      FakeHost.FakeProcess ending = host.nextPlannedExit().orElse(null);
      long exit = ending == null ? Long.MAX_VALUE
          : Math.max(system.scheduler.currentTimeMs(), clock.schedulerTimeAt(ending.plannedExit()));
      if (Math.min(timer, exit) > target) {
        break;
      }
      if (timer <= exit) {
        system.runUntil(timer);
      } else {
        system.runUntil(exit);
        ending.exitAsPlanned();
      }
    }
    system.runUntil(target);
    settle();
  }

  void advanceTo(String iso) {
    advanceTo(Instant.parse(iso));
  }

  /** The wall clock is set (an NTP step); no time passes, no timer fires, nobody is told. */
  void setWallClock(Duration by) {
    clock.set(by);
  }

  /** Waits until the actor system has nothing left to do. */
  void settle() {
    system.settle();
  }

  // ---- commands ---------------------------------------------------------------------------------

  /** Hands the chain a command and waits until all it set off is over. */
  List<ChainEvent> send(JobchainActor.Command command) {
    List<ChainEvent> events = kit.runCommand(command).events();
    settle();
    return events;
  }

  /** Hands the chain a command after which it may stop (the kit would wait for its state). */
  void tell(JobchainActor.Command command) {
    actor.tell(command);
    settle();
  }

  /** The chain actor has stopped. */
  void assertStopped() {
    system.testKit.createTestProbe().expectTerminated(actor, Duration.ofSeconds(3));
  }

  /** The Catalog's current definition, with its schedule parsed (null when switched OFF). */
  List<ChainEvent> define(ChainDefinition definition) {
    return send(new JobchainActor.Define(definition, definition.switchOn() ? schedule(definition) : null));
  }

  OperatorCommand.Outcome operate(OperatorCommand command) {
    return operate(command, now().plus(settings.misfireGrace()));
  }

  OperatorCommand.Outcome operate(OperatorCommand command, Instant notAfter) {
    OperatorCommand.Outcome outcome = kit.<OperatorCommand.Outcome>runCommand(
        replyTo -> new JobchainActor.Operate(command, notAfter, replyTo)).reply();
    settle();
    return outcome;
  }

  /** Hands the chain's shard over (or its node stops): it stops once no job of it runs. */
  void handOff() {
    tell(new JobchainActor.HandOff());
  }

  /** Job {@code jobId}'s latest process exits with {@code code}, and what that sets off is over. */
  void exitJob(long jobId, int code) {
    host.job(jobId).exit(code);
    settle();
  }

  /** Dependency {@code dependencyId}'s latest check exits with {@code code}, and what that sets off is over. */
  void exitCheck(long dependencyId, int code) {
    host.check(dependencyId).exit(code);
    settle();
  }

  // ---- what there is to see ---------------------------------------------------------------------

  /** The actor's state, checked to survive the journal's serializer. */
  ChainState state() {
    settle();
    return system.serialization.verifySerialization(kit.getState(), true);
  }

  /** The journal of the chain, each event checked to survive the serializer. */
  List<ChainEvent> events() {
    settle();
    return kit.persistenceTestKit().persistedInStorage("chain-" + chain.id()).stream()
        .map(e -> system.serialization.verifySerialization((ChainEvent) e, true)).toList();
  }

  ChainEvent lastEvent() {
    List<ChainEvent> events = events();
    return events.get(events.size() - 1);
  }

  <E extends ChainEvent> List<E> events(Class<E> type) {
    return events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  // ---- the node dies ----------------------------------------------------------------------------

  /** The node is killed and started again at once: its processes run on, orphaned. */
  ChainState crash() {
    return downFor(Duration.ZERO);
  }

  /**
   * The node is killed and no node runs the chain for {@code downtime} (the wall clock moves on,
   * nothing fires); then a node is elected, reads the runs chain_run shows open, and starts the
   * chain actor, which recovers from the journal.
   */
  ChainState downFor(Duration downtime) {
    settle();
    pool.holding = false; // the next node's pool
    host.running().forEach(FakeHost.FakeProcess::orphan);
    clock.set(downtime);
    kit.restart();
    return state();
  }

  /** Stops the chain actor (and its children): nothing of this test is left in the shared system. */
  @Override
  public void close() {
    actor.<Object>unsafeUpcast().tell(END_OF_TEST);
    assertStopped();
  }

  /** The chain actor, stopped by {@link #END_OF_TEST}; the kit's own messages reach it as they are. */
  @SuppressWarnings("unchecked")
  private static Behavior<JobchainActor.Command> stoppable(Behavior<JobchainActor.Command> chain) {
    Behavior<?> wrapped = Behaviors.intercept(() -> new BehaviorInterceptor<Object, Object>(Object.class) {
      @Override
      public Behavior<Object> aroundReceive(TypedActorContext<Object> context, Object message,
          ReceiveTarget<Object> target) {
        return message == END_OF_TEST ? Behaviors.stopped() : target.apply(context, message);
      }
    }, (Behavior<Object>) (Behavior<?>) chain);
    return (Behavior<JobchainActor.Command>) wrapped;
  }

  Schedule schedule(ChainDefinition definition) {
    try {
      return Schedules.parse(definition.timestr(), zone);
    } catch (InvalidScheduleException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
