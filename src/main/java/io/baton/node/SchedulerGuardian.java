package io.baton.node;

import io.baton.chain.BegunRuns;
import io.baton.chain.ChainContext;
import io.baton.chain.JobchainActor;
import io.baton.node.Catalog.ChainDefined;
import io.baton.node.Catalog.ChainRemoved;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The node's root: starts the Receiver, Heartbeat and Leadership; once elected, the Catalog and one
 * JobchainActor per chain. A chain actor that fails is logged and started again a little later,
 * so one broken chain never takes the others (or the node) down.
 */
public final class SchedulerGuardian {

  public sealed interface Command {}

  /** SIGTERM: fire nothing more, let jobs finish within the grace, then stop them. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /**
   * An operator's command for one chain, from the command desk. No answer while the chains are not
   * running here (the desk hands it over again later); a chain this node does not know is refused.
   */
  public record Deliver(long chainId, io.baton.chain.OperatorCommand command, java.time.Instant notAfter,
      ActorRef<io.baton.chain.OperatorCommand.Outcome> replyTo) implements Command {}

  private record LeadershipSaid(Leadership.Change change) implements Command {}

  private record CatalogSaid(Catalog.Change change) implements Command {}

  private record ChainStopped(long chainId) implements Command {}
  private record Respawn(long chainId) implements Command {}
  private record ChainDrained(long chainId) implements Command {}
  private record GraceOver() implements Command {}
  private record Flushed(ActorRef<Done> replyTo) implements Command {}
  private record CheckClock() implements Command {}
  private record ReadBegunRuns() implements Command {}

  /** The runs chain_run shows begun and open, read after an election; null if the read failed. */
  private record BegunRunsRead(long incarnation, java.util.Set<Long> runIds, Throwable error) implements Command {}

  private static final Duration RESPAWN_DELAY = Duration.ofSeconds(5);
  private static final Duration CLOCK_CHECK = Duration.ofSeconds(1);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeServices services;
  private final Map<Long, ActorRef<JobchainActor.Command>> chains = new HashMap<>();
  private final Map<Long, ChainDefined> definitions = new HashMap<>();
  private final ActorRef<Receiver.Command> receiver;
  private final ChainContext chainContext;
  private int incarnation;
  private final ActorRef<Catalog.Command> catalog;
  private final ActorRef<Leadership.Command> leadership;
  private boolean leading;
  private boolean chainsStarted; // leading, and the begun runs read: chain actors may run
  private ActorRef<Done> stopReplyTo;
  private final Set<Long> draining = new HashSet<>();
  private final ClockWatch clockWatch;
  private final BegunRuns begunRuns = new BegunRuns();

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
    this.chainContext = new ChainContext(services.settings(), services.clock(), new HostProcesses(services.launcher()),
        services.blocking(), record -> receiver.tell(new Receiver.Write(record)), services.runIds()::next,
        services.gauges(), services.guard(), begunRuns, NodeMetrics.get(context.getSystem()));
    // the catalog runs on standbys too, so a node that is elected has its chains at hand
    this.catalog = context.spawn(Catalog.create(services.settings(), services.catalog(), services.guard(),
        context.messageAdapter(Catalog.Change.class, CatalogSaid::new), receiver, services.blocking(),
        services.catalogView()), "catalog");
    context.spawn(CommandDesk.create(services, context.getSelf()), "command-desk");
    this.leadership = context.spawn(Leadership.create(services.leases(), services.settings(), services.guard(),
        context.messageAdapter(Leadership.Change.class, LeadershipSaid::new), services.launcher(), services.blocking()),
        "leadership");
    context.spawn(JournalWarmUp.create(), "journal-warm-up").tell("stop");
    context.spawn(HistoryPruner.create(services.history(), services.settings().historyRetention(), services.clock(),
        services.blocking(), services.launcher()), "history-pruner");
    this.clockWatch = new ClockWatch(services.clock(), System::nanoTime);
    timers.startTimerWithFixedDelay(new CheckClock(), CLOCK_CHECK);
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(LeadershipSaid.class, this::onLeadership)
        .onMessage(CatalogSaid.class, this::onCatalog)
        .onMessage(ChainStopped.class, this::onChainStopped)
        .onMessage(Respawn.class, this::onRespawn)
        .onMessage(Stop.class, this::onStop)
        .onMessage(ChainDrained.class, this::onChainDrained)
        .onMessage(GraceOver.class, this::onGraceOver)
        .onMessage(CheckClock.class, m -> onCheckClock())
        .onMessage(BegunRunsRead.class, this::onBegunRunsRead)
        .onMessage(ReadBegunRuns.class, m -> {
          if (leading && !chainsStarted) {
            readBegunRuns();
          }
          return Behaviors.same();
        })
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(Flushed.class, m -> {
          // the node lets its lease go next: nothing may take it back while the node goes on stopping
          context.stop(leadership);
          m.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .build();
  }

  /** Chains wait on monotonic timers: after the wall clock was set, each measures its wait again. */
  private Behavior<Command> onCheckClock() {
    Duration jump = clockWatch.jump();
    if (!jump.isZero()) {
      context.getLog().warn("the wall clock moved by {} s; {} chain(s) recompute the wait for their next fire",
          jump.toMillis() / 1000.0, chains.size());
      chains.values().forEach(chain -> chain.tell(new JobchainActor.ClockMoved()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onLeadership(LeadershipSaid m) {
    if (stopReplyTo != null) {
      return Behaviors.same();
    }
    if (m.change() instanceof Leadership.Elected && !leading) {
      leading = true;
      incarnation++;
      readBegunRuns(); // the chains are started once it is known which runs began
    } else if (m.change() instanceof Leadership.Deposed) {
      // A deposed leader stops its chain actors (and their processes): the new leader resumes
      // their runs from the journal.
      leading = false;
      chainsStarted = false;
      chains.values().forEach(context::stop);
      chains.clear();
      services.gauges().clear();
      NodeMetrics.get(context.getSystem()).noRunsHere();
    }
    return Behaviors.same();
  }

  /**
   * Before its chains start, an elected node learns which open runs chain_run shows as begun:
   * a run journaled ahead that is not among them never began, and its chain withdraws it.
   */
  private void readBegunRuns() {
    long current = incarnation;
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> services.runs().openRuns(), services.blocking()),
        (runIds, error) -> new BegunRunsRead(current, runIds, error));
  }

  private Behavior<Command> onBegunRunsRead(BegunRunsRead m) {
    if (m.incarnation() != incarnation || !leading || chainsStarted || stopReplyTo != null) {
      return Behaviors.same();
    }
    if (m.error() != null) {
      context.getLog().warn("reading the open runs failed ({}); trying again", DatabaseOutage.rootMessage(m.error()));
      timers.startSingleTimer(new ReadBegunRuns(), Duration.ofSeconds(1));
      return Behaviors.same();
    }
    Set<Long> begun = new HashSet<>(m.runIds());
    begun.addAll(services.launcher().leftoverRuns()); // processes of theirs were still running here
    begunRuns.replace(begun);
    chainsStarted = true;
    definitions.values().forEach(this::spawn); // the catalog kept them while standing by
    return Behaviors.same();
  }

  private Behavior<Command> onDeliver(Deliver m) {
    if (!chainsStarted || stopReplyTo != null) {
      return Behaviors.same();
    }
    ActorRef<JobchainActor.Command> chain = chains.get(m.chainId());
    if (chain != null) {
      chain.tell(new JobchainActor.Operate(m.command(), m.notAfter(), m.replyTo()));
    } else if (!definitions.containsKey(m.chainId())) {
      m.replyTo().tell(new io.baton.chain.OperatorCommand.Outcome(m.command().commandId(), false,
          "chain " + m.chainId() + " does not exist", null));
    } // else its actor is being started again: the desk hands the command over later
    return Behaviors.same();
  }

  private Behavior<Command> onCatalog(CatalogSaid m) {
    if (stopReplyTo != null) {
      return Behaviors.same();
    }
    if (m.change() instanceof ChainDefined defined) {
      long id = defined.definition().id();
      definitions.put(id, defined);
      ActorRef<JobchainActor.Command> chain = chains.get(id);
      if (chain != null) {
        chain.tell(new JobchainActor.Define(defined.definition(), defined.schedule()));
      } else if (leading && chainsStarted) {
        spawn(defined);
      }
    } else if (m.change() instanceof ChainRemoved removed) {
      definitions.remove(removed.chainId());
      ActorRef<JobchainActor.Command> chain = chains.get(removed.chainId());
      if (chain != null) {
        chain.tell(new JobchainActor.Remove());
      }
    }
    return Behaviors.same();
  }

  private void spawn(ChainDefined defined) {
    long id = defined.definition().id();
    ActorRef<JobchainActor.Command> chain = context.spawn(
        JobchainActor.create(chainContext, defined.definition(), defined.schedule()), "chain-" + id + "-" + incarnation);
    context.watchWith(chain, new ChainStopped(id));
    chains.put(id, chain);
  }

  private Behavior<Command> onChainStopped(ChainStopped m) {
    chains.remove(m.chainId());
    if (draining.remove(m.chainId())) {
      replyIfStopped();
    }
    if (definitions.containsKey(m.chainId()) && chainsStarted && stopReplyTo == null) {
      context.getLog().error("chain {}: its actor failed (see above); starting it again in {} s",
          m.chainId(), RESPAWN_DELAY.toSeconds());
      timers.startSingleTimer("respawn-" + m.chainId(), new Respawn(m.chainId()), RESPAWN_DELAY);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRespawn(Respawn m) {
    ChainDefined defined = definitions.get(m.chainId());
    if (defined != null && chainsStarted && !chains.containsKey(m.chainId()) && stopReplyTo == null) {
      spawn(defined);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onStop(Stop m) {
    stopReplyTo = m.replyTo();
    context.stop(catalog);
    context.getLog().info("stopping: no new fires; running jobs get {} s to finish",
        services.settings().shutdownGrace().toSeconds());
    ActorRef<JobchainActor.Drained> drained = context.messageAdapter(JobchainActor.Drained.class,
        d -> new ChainDrained(d.chainId()));
    chains.forEach((id, chain) -> {
      draining.add(id);
      chain.tell(new JobchainActor.Drain(drained));
    });
    timers.startSingleTimer(new GraceOver(), services.settings().shutdownGrace());
    replyIfStopped();
    return Behaviors.same();
  }

  private Behavior<Command> onChainDrained(ChainDrained m) {
    draining.remove(m.chainId());
    replyIfStopped();
    return Behaviors.same();
  }

  private Behavior<Command> onGraceOver(GraceOver m) {
    if (!draining.isEmpty()) {
      context.getLog().warn("shutdown grace is over: stopping the jobs of {} chain(s); they are recorded INTERRUPTED",
          draining.size());
      draining.stream().map(chains::get).filter(c -> c != null).forEach(c -> c.tell(new JobchainActor.Interrupt()));
    }
    return Behaviors.same();
  }

  private void replyIfStopped() {
    if (stopReplyTo != null && draining.isEmpty()) {
      timers.cancel(GraceOver.class);
      ActorRef<Done> reply = stopReplyTo;
      // every outcome reaches the database before the node goes
      receiver.tell(new Receiver.Flush(context.messageAdapter(Receiver.Flushed.class, f -> new Flushed(reply))));
    }
  }
}
