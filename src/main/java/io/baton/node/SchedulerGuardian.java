package io.baton.node;

import io.baton.chain.BegunRuns;
import io.baton.chain.ChainContext;
import io.baton.chain.JobchainActor;
import io.baton.node.Catalog.ChainDefined;
import io.baton.node.Catalog.ChainRemoved;
import io.baton.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The node's root: starts the Receiver, Heartbeat, Leadership (the node-wide chores: operators'
 * commands, held-chain messages, history pruning), the Catalog, and this node's share of the
 * chains as Cluster Sharding entities ({@link ChainShards}). It knows every chain's definition
 * from the Catalog and hands it to the chains awake here. The chains of the shards kept here that
 * are idle sleep in the node's {@link ChainWheel}: every second it wakes those whose fire nears, and
 * it moves a sleeping chain's wake when its schedule changes. A chain actor that fails is logged
 * and woken again a little later, so one broken chain never takes the others (or the node) down.
 */
public final class SchedulerGuardian {

  public sealed interface Command {}

  /**
   * The chains have been handed over (coordinated shutdown): write every outcome, stop the node's
   * chores, then answer.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /**
   * An operator's command for one chain, from the command desk: sent to the chain wherever it is
   * hosted. No answer while this node's catalog has not loaded (the desk hands it over again
   * later); a chain the catalog does not know is refused.
   */
  public record Deliver(long chainId, io.baton.chain.OperatorCommand command, java.time.Instant notAfter,
      ActorRef<io.baton.chain.OperatorCommand.Outcome> replyTo) implements Command {}

  private record CatalogSaid(Catalog.Change change) implements Command {}

  /** A chain entity started on this node, with this definition (null: none was known here yet). */
  record ChainHosted(long chainId, ActorRef<JobchainActor.Command> chain, ChainDefined startedWith)
      implements Command {}

  private record ChainStopped(long chainId, ActorRef<JobchainActor.Command> chain) implements Command {}
  private record Respawn(long chainId) implements Command {}
  private record Flushed(ActorRef<Done> replyTo) implements Command {}
  private record CheckClock() implements Command {}
  private record RemindKeepers() implements Command {}
  private record CutOff() implements Command {}
  private record RegionStopped() implements Command {}
  private record FlushedAfterCutOff() implements Command {}

  private static final Duration RESPAWN_DELAY = Duration.ofSeconds(5);
  private static final Duration CLOCK_CHECK = Duration.ofSeconds(1);

  /**
   * How often every node reminds each shard's keeper not running here: a shard whose node died
   * starts elsewhere within this.
   */
  private static final Duration KEEPER_REMINDER = Duration.ofSeconds(2);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeServices services;
  private final Map<Long, ActorRef<JobchainActor.Command>> chains = new HashMap<>(); // hosted here
  private final Map<Long, ChainDefined> definitions = new ConcurrentHashMap<>(); // read by the entity factory
  private final ActorRef<Receiver.Command> receiver;
  private final ChainContext chainContext;
  private final ActorRef<Catalog.Command> catalog;
  private final ActorRef<Leadership.Command> leadership;
  private boolean stopping;
  private boolean keepersReminded; // once the catalog has loaded
  private boolean cutOff; // from the database, with other nodes alive: this node hosts no shard until it restarts
  private final ClockWatch clockWatch;
  private final ChainWheel wheel;
  private final AwakeRegister awakeRegister;
  private final NextFires nextFires = new NextFires();

  public static Behavior<Command> create(NodeServices services) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new SchedulerGuardian(ctx, t, services).behavior()));
  }

  private SchedulerGuardian(ActorContext<Command> context, TimerScheduler<Command> timers, NodeServices services) {
    this.context = context;
    this.timers = timers;
    this.services = services;
    this.receiver = context.spawn(Receiver.create(services.runs(), services.blocking(),
        NodeMetrics.get(context.getSystem())), "receiver");
    context.spawn(Heartbeat.create(services.status(), services.settings().nodeName(), services.runIds(), services.gauges(),
        services.launcher(), services.settings().heartbeatInterval(), services.server(), services.blocking()),
        "heartbeat");
    this.chainContext = new ChainContext(services.settings(), services.clock(),
        new HostProcesses(services.launcher(), services.runs()), services.processWork(),
        record -> receiver.tell(new Receiver.Write(record)), services.runIds()::next, services.gauges(),
        services.guard(), new BegunRuns(), NodeMetrics.get(context.getSystem()));
    this.catalog = context.spawn(Catalog.create(services.settings(), services.clock(), services.catalog(),
        services.guard(), context.messageAdapter(Catalog.Change.class, CatalogSaid::new), receiver,
        services.blocking(), services.catalogView()), "catalog");
    context.spawn(CommandDesk.create(services, context.getSelf()), "command-desk");
    this.leadership = context.spawn(Leadership.create(services.leases(), services.settings(), services.guard(),
        services.blocking()), "leadership");
    context.spawn(JournalWarmUp.create(), "journal-warm-up").tell("stop");
    context.spawn(HistoryPruner.create(services.history(), services.settings().historyRetention(), services.clock(),
        services.blocking(), services.launcher()), "history-pruner");
    ActorRef<Command> self = context.getSelf();
    context.spawn(ShardFence.create(services.launcher(), services.settings().leaseTtl(),
        () -> self.tell(new CutOff())), "shard-fence");
    this.wheel = new ChainWheel(services.gauges());
    this.awakeRegister = new AwakeRegister(services.awake(), services.blocking());
    ActorSystem<Void> system = context.getSystem();
    ShardKeeper.Keeping keeping = new ShardKeeper.Keeping(definitions, services.catalogView()::loaded, wheel,
        services.awake(), services.blocking(), services.clock());
    ChainShards.init(system, entity -> entity(entity, system, self, keeping));
    this.clockWatch = new ClockWatch(services.clock(), System::nanoTime);
    timers.startTimerWithFixedDelay(new CheckClock(), CLOCK_CHECK);
    timers.startTimerWithFixedDelay(new RemindKeepers(), Duration.ZERO, KEEPER_REMINDER);
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberRemoved.class, removed -> new RemindKeepers()),
        ClusterEvent.MemberRemoved.class));
  }

  /** A chain (or a shard's keeper) as its shard starts it here. Runs on the shard's thread. */
  private Behavior<JobchainActor.Command> entity(EntityContext<JobchainActor.Command> entity, ActorSystem<?> system,
      ActorRef<Command> self, ShardKeeper.Keeping keeping) {
    int keeper = ChainShards.keeperShard(entity.getEntityId());
    if (keeper >= 0) {
      return ShardKeeper.create(keeper, keeping);
    }
    long chainId = Long.parseLong(entity.getEntityId());
    int shard = ChainShards.shardOf(chainId);
    ChainWheel.Entry slept = wheel.awake(chainId);
    Instant hostedSince = wheel.keptSince(shard);
    ChainContext chain = chainContext.withGuard(new ChainShards.ShardGuard(ChainShards.leaseOf(system, chainId)))
        .withDormancy(new ChainDormancy(chainId, shard, ThreadLocalRandom.current().nextLong(),
            services.settings().sleepBeyond(), awakeRegister, wheel, chainContext.outcomes(), entity.getShard(), system));
    return Behaviors.setup(ctx -> {
      ChainDefined defined = definitions.get(chainId);
      self.tell(new ChainHosted(chainId, ctx.getSelf(), defined));
      return defined != null
          ? JobchainActor.create(chain, defined.definition(), defined.schedule(),
              slept == null ? null : slept.firesFrom(), hostedSince)
          : ShardKeeper.awaitingDefinition(chain, hostedSince);
    });
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(CatalogSaid.class, this::onCatalog)
        .onMessage(ChainHosted.class, this::onChainHosted)
        .onMessage(ChainStopped.class, this::onChainStopped)
        .onMessage(Respawn.class, this::onRespawn)
        .onMessage(RemindKeepers.class, m -> remindKeepers())
        .onMessage(Stop.class, this::onStop)
        .onMessage(CheckClock.class, m -> onCheckClock())
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(CutOff.class, m -> onCutOff())
        .onMessage(RegionStopped.class, m -> {
          // its outcomes are written once the database answers again; then it starts anew
          receiver.tell(new Receiver.Flush(context.messageAdapter(Receiver.Flushed.class, f -> new FlushedAfterCutOff())));
          return Behaviors.same();
        })
        .onMessage(FlushedAfterCutOff.class, m -> {
          context.getLog().warn("the database answers again and every outcome is written: this node leaves the"
              + " cluster and starts again as a new member");
          Cluster cluster = Cluster.get(context.getSystem());
          cluster.manager().tell(new Down(cluster.selfMember().address()));
          return Behaviors.same();
        })
        .onMessage(Flushed.class, m -> {
          // the node lets its lease go next: nothing may take it back while the node goes on stopping
          context.stop(leadership);
          m.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .build();
  }

  /**
   * Every second: the sleeping chains whose fire nears are woken. Chains awake wait on monotonic
   * timers: after the wall clock was set, each measures its wait again.
   */
  private Behavior<Command> onCheckClock() {
    if (!quiet()) {
      for (long chainId : wheel.due(services.clock().instant())) {
        ChainShards.chain(context.getSystem(), chainId).tell(new JobchainActor.Wake());
      }
    }
    Duration jump = clockWatch.jump();
    if (!jump.isZero()) {
      context.getLog().warn("the wall clock moved by {} s; {} chain(s) recompute the wait for their next fire",
          jump.toMillis() / 1000.0, chains.size());
      chains.values().forEach(chain -> chain.tell(new JobchainActor.ClockMoved()));
    }
    return Behaviors.same();
  }

  /**
   * Cut off from the database while other nodes are alive: this node's shard region stops at once,
   * with every shard and chain in it (their processes killed), and the shard coordinator gives the
   * shards to the others at the region's end. Not a graceful hand-over: the leases are lost already,
   * so no job may finish here, no hand-over could be journaled, and a shard started here again by a
   * message in the meantime would wait for its lease with the hand-over held up behind it, for the
   * whole hand-off timeout (Pekko's shard stashes a hand-off while it acquires its lease).
   */
  private Behavior<Command> onCutOff() {
    if (cutOff || stopping) {
      return Behaviors.same();
    }
    cutOff = true;
    context.getLog().warn("cut off from the database while other nodes are alive: this node stops its shards"
        + " (their processes are killed) for the others to take, and starts again once the database answers"
        + " and its outcomes are written");
    org.apache.pekko.actor.ActorRef region = org.apache.pekko.cluster.sharding.ClusterSharding
        .get(Adapter.toClassic(context.getSystem())).shardRegion(ChainShards.TYPE.name());
    context.watchWith(Adapter.toTyped(region), new RegionStopped());
    region.tell(org.apache.pekko.actor.PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    return Behaviors.same();
  }

  private Behavior<Command> remindKeepers() {
    if (!quiet() && services.catalogView().loaded()) {
      keepersReminded = true;
      for (int shard = 0; shard < ChainShards.COUNT; shard++) {
        // a keeper running here needs no reminder (a shard that stops here stops its keeper too), so
        // a node alone sends none: 30 messages every 2 s, each through the region and its shard
        if (!wheel.keeps(shard)) {
          ChainShards.keeper(context.getSystem(), shard).tell(new JobchainActor.Wake());
        }
      }
    }
    return Behaviors.same();
  }

  /**
   * Whether this node wakes no chain: it is stopping (its shards are being handed over, which a
   * message for one of them would hold up), or cut off from the database.
   */
  private boolean quiet() {
    return stopping || cutOff
        || org.apache.pekko.actor.CoordinatedShutdown.get(context.getSystem()).getShutdownReason().isPresent();
  }

  private Behavior<Command> onDeliver(Deliver m) {
    if (quiet() || !services.catalogView().loaded()) {
      return Behaviors.same();
    }
    if (!definitions.containsKey(m.chainId())) {
      m.replyTo().tell(new io.baton.chain.OperatorCommand.Outcome(m.command().commandId(), false,
          "chain " + m.chainId() + " does not exist", null));
    } else {
      ChainShards.chain(context.getSystem(), m.chainId())
          .tell(new JobchainActor.Operate(m.command(), m.notAfter(), m.replyTo()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCatalog(CatalogSaid m) {
    if (stopping) {
      return Behaviors.same();
    }
    if (!keepersReminded && services.catalogView().loaded()) {
      remindKeepers(); // the chains are known: the shards start now, not at the next reminder
    }
    if (m.change() instanceof ChainDefined defined) {
      long id = defined.definition().id();
      ChainDefined before = definitions.put(id, defined);
      ActorRef<JobchainActor.Command> chain = chains.get(id);
      if (chain != null) {
        chain.tell(new JobchainActor.Define(defined.definition(), defined.schedule()));
      }
      boolean rescheduled = before == null || !sameSchedule(before.schedule(), defined.schedule());
      // (a chain going to sleep just now takes no Define any more: its wheel entry does)
      if (rescheduled && (chain == null || wheel.isAsleep(id)) && wheel.keeps(ChainShards.shardOf(id))) {
        // new, or rescheduled while it sleeps here: it sleeps until its next fire after the read
        ChainWheel.Entry entry = wakeEntry(id, defined, before != null);
        wheel.sleep(id, entry, -1);
        if (entry.wakeAt() != null && !entry.wakeAt().isAfter(services.clock().instant()) && !quiet()) {
          ChainShards.chain(context.getSystem(), id).tell(new JobchainActor.Wake()); // its fire is near
        }
      }
    } else if (m.change() instanceof ChainRemoved removed) {
      definitions.remove(removed.chainId());
      wheel.forget(removed.chainId());
      receiver.tell(new Receiver.Write(new io.baton.db.RunRecord.ChainForgotten(removed.chainId())));
      ActorRef<JobchainActor.Command> chain = chains.get(removed.chainId());
      if (chain != null) {
        chain.tell(new JobchainActor.Remove());
      }
    }
    return Behaviors.same();
  }

  private static boolean sameSchedule(Schedule a, Schedule b) {
    return a == null ? b == null : b != null && a.text().equals(b.text());
  }

  /**
   * A chain firing from when the catalog read it: woken shortly before its next fire after that
   * (at once if that cannot be computed, or has come while this node was busy). {@code changed}:
   * its schedule changed here, so fires before the read are not owed (a chain new to this node
   * owes what its journal says).
   */
  private ChainWheel.Entry wakeEntry(long chainId, ChainDefined defined, boolean changed) {
    Instant now = services.clock().instant();
    Instant read = defined.readAt().isBefore(now) ? defined.readAt() : now;
    Schedule schedule = defined.schedule();
    Instant wakeAt = null;
    if (schedule != null) {
      try {
        Instant next = nextFires.after(schedule, read);
        wakeAt = next == null ? null : next.minus(ChainWheel.WAKE_AHEAD);
      } catch (RuntimeException e) {
        wakeAt = now; // its actor reports the schedule
      }
    }
    return new ChainWheel.Entry(ChainShards.shardOf(chainId), wakeAt, changed ? read : null);
  }

  private Behavior<Command> onChainHosted(ChainHosted m) {
    chains.put(m.chainId(), m.chain());
    context.watchWith(m.chain(), new ChainStopped(m.chainId(), m.chain()));
    // the catalog may have said more since the entity started
    ChainDefined defined = definitions.get(m.chainId());
    if (defined != null && defined != m.startedWith()) {
      m.chain().tell(new JobchainActor.Define(defined.definition(), defined.schedule()));
    } else if (defined == null && (m.startedWith() != null
        || services.catalogView().loaded() && services.catalogView().chain(m.chainId()).isEmpty())) {
      m.chain().tell(new JobchainActor.Remove()); // no such chain (any more)
    }
    return Behaviors.same();
  }

  private Behavior<Command> onChainStopped(ChainStopped m) {
    if (chains.remove(m.chainId(), m.chain())) {
      NodeMetrics.get(context.getSystem()).chainLeft(m.chainId());
      wheel.stopped(m.chainId());
    }
    if (definitions.containsKey(m.chainId()) && !quiet() && !wheel.isAsleep(m.chainId())) {
      // handed over, or failed (its error is logged above): woken again wherever its shard is then
      timers.startSingleTimer("respawn-" + m.chainId(), new Respawn(m.chainId()), RESPAWN_DELAY);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRespawn(Respawn m) {
    if (definitions.containsKey(m.chainId()) && !chains.containsKey(m.chainId()) && !quiet()
        && !wheel.isAsleep(m.chainId())) {
      ChainShards.chain(context.getSystem(), m.chainId()).tell(new JobchainActor.Wake());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onStop(Stop m) {
    stopping = true;
    context.stop(catalog);
    // every outcome reaches the database before the node goes
    receiver.tell(new Receiver.Flush(context.messageAdapter(Receiver.Flushed.class, f -> new Flushed(m.replyTo()))));
    return Behaviors.same();
  }
}
