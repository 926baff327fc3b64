package io.baton.node;

import io.baton.chain.ChainEvent.JobLaunch;
import io.baton.chain.OperatorCommand;
import io.baton.db.CommandRepository;
import io.baton.db.CommandRepository.Command;
import io.baton.db.CommandRepository.Verb;
import io.baton.db.RunHistory;
import io.baton.definition.CatalogView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Carries out the operators' commands (baton_command rows) on the node that runs the chains: reads
 * the pending rows, hands each to its chain (through the guardian) and writes the chain's answer
 * back. Whichever node accepted a command, and whichever node leads when it is read, it is carried
 * out once: the chain journals it, and a row whose outcome was not written is handed over again.
 */
public final class CommandDesk {

  public sealed interface Msg {}

  private record Poll() implements Msg {}

  /** This node accepted a command: it is read at once, not at the next poll. */
  private record Accepted() implements Msg {}

  private record Read(List<Command> pending, Throwable error) implements Msg {}

  /** A command made ready to hand over (a refusal when it cannot be carried out); null if reading failed. */
  private record Prepared(Command command, OperatorCommand operation) implements Msg {}

  private record Answered(OperatorCommand.Outcome outcome) implements Msg {}

  private record Written(Command command, Throwable error) implements Msg {}

  /** The command of a chain handed over and not answered yet, since when (System.nanoTime()). */
  private record InFlight(Command command, long since) {}

  /** How often commands accepted by other nodes are read (those of this node's API at once). */
  private static final Duration READ_EVERY = Duration.ofSeconds(1);
  /**
   * How often they are read while no other node is alive (none can accept a command) and none is
   * in flight: a node alone looks for the commands of a node starting up, and for those the
   * database held before it led, and so reads the table as rarely as it can.
   */
  private static final Duration READ_EVERY_ALONE = Duration.ofSeconds(5);
  /** A command handed over without an answer is handed over again after this (its chain dedups it). */
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

  private final ActorContext<Msg> context;
  private final NodeServices services;
  private final ActorRef<SchedulerGuardian.Command> guardian;
  private final Executor blocking;
  /** One command per chain at a time, in the order they were accepted: the second trigger sees the first's run. */
  private final Map<Long, InFlight> inFlight = new HashMap<>();
  private final ActorRef<OperatorCommand.Outcome> answers;
  private final DatabaseOutage outage;
  private boolean reading;
  private long lastRead = System.nanoTime() - READ_EVERY_ALONE.toNanos(); // of the last read of pending commands
  // a command was accepted here, or carried out (the chain's next one, if one waits): read at once
  private boolean readSoon;

  public static Behavior<Msg> create(NodeServices services, ActorRef<SchedulerGuardian.Command> guardian) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Poll(), READ_EVERY);
      services.commands().onAccepted(() -> ctx.getSelf().tell(new Accepted()));
      return new CommandDesk(ctx, services, guardian).behavior();
    }));
  }

  private CommandDesk(ActorContext<Msg> context, NodeServices services, ActorRef<SchedulerGuardian.Command> guardian) {
    this.context = context;
    this.services = services;
    this.guardian = guardian;
    this.blocking = services.blocking();
    this.outage = new DatabaseOutage(context.getLog(), "reading operator commands");
    // one adapter for every answer: each names its command
    this.answers = context.messageAdapter(OperatorCommand.Outcome.class, Answered::new);
  }

  private Behavior<Msg> behavior() {
    return Behaviors.receive(Msg.class)
        .onMessage(Poll.class, m -> poll())
        .onMessage(Accepted.class, m -> {
          readSoon = true;
          return poll();
        })
        .onMessage(Read.class, this::onRead)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Written.class, this::onWritten)
        .build();
  }

  private Behavior<Msg> poll() {
    Duration every = services.guard().othersAlive() || !inFlight.isEmpty() ? READ_EVERY : READ_EVERY_ALONE;
    if (reading || !services.guard().leading()
        || !readSoon && System.nanoTime() - lastRead < every.toNanos() * 9 / 10) { // every poll, give or take
      return Behaviors.same();
    }
    reading = true;
    readSoon = false;
    lastRead = System.nanoTime();
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> services.commands().pending(100), blocking),
        Read::new);
    return Behaviors.same();
  }

  private Behavior<Msg> onRead(Read m) {
    reading = false;
    if (outage.failed(m.error())) {
      return Behaviors.same();
    }
    long now = System.nanoTime();
    inFlight.values().removeIf(f -> now - f.since() > ANSWER_WAIT.toNanos());
    for (Command command : m.pending()) { // oldest first
      long chain = command.request().chainId();
      if (!inFlight.containsKey(chain)) {
        inFlight.put(chain, new InFlight(command, now));
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> prepare(command), blocking),
            (prepared, error) -> prepared != null ? prepared : new Prepared(command, null));
      }
    }
    return readSoon ? poll() : Behaviors.same(); // a command accepted here during the read
  }

  /** Reads what a command needs beyond its row; one that cannot be carried out becomes a refusal. */
  private Prepared prepare(Command c) {
    var r = c.request();
    String by = r.requestedBy();
    return switch (r.verb()) {
      case TRIGGER -> new Prepared(c, services.catalogView().chain(r.chainId())
          .filter(CatalogView.Entry::held)
          .<OperatorCommand>map(held -> new OperatorCommand.Refused(c.id(), by, "chain " + r.chainId()
              + " is held and cannot run: " + String.join("; ", held.problems())))
          .orElseGet(() -> new OperatorCommand.RunNow(c.id(), by)));
      case CANCEL -> new Prepared(c, new OperatorCommand.Cancel(c.id(), by, r.runId()));
      case SWITCH -> new Prepared(c, new OperatorCommand.Switch(c.id(), by, "ON".equals(r.argument())));
      case RERUN -> new Prepared(c, rerun(c));
    };
  }

  /**
   * A rerun continues an ended run that did not succeed, in its slot. Every run of that slot (the
   * first run and all the reruns that continue it, before or after this one) counts: a job that
   * succeeded in any of them is not run again, each other job runs one attempt above its highest,
   * and while one of them runs, or once one succeeded, there is nothing to rerun. Dependencies that
   * never passed (a run that ended DEP_TIMEOUT or DEP_ERROR) are checked again in any case.
   */
  private OperatorCommand rerun(Command c) {
    String by = c.request().requestedBy();
    RunHistory history = services.runHistory();
    RunHistory.Run original = history.run(c.request().runId()).orElse(null);
    if (original == null) {
      return new OperatorCommand.Refused(c.id(), by, "run " + c.request().runId() + " does not exist");
    }
    Set<Long> succeeded = new LinkedHashSet<>();
    Map<Long, Integer> lastAttempt = new HashMap<>();
    for (RunHistory.Run run : history.slotOf(original)) {
      if (run.end() == null) {
        return new OperatorCommand.Refused(c.id(), by, "run " + run.runId() + (run.runId() == original.runId() ? ""
            : ", a rerun of the same slot,") + " has not ended; cancel it first or wait for it");
      }
      if ("SUCCESS".equals(run.status())) {
        return new OperatorCommand.Refused(c.id(), by, "run " + run.runId() + (run.runId() == original.runId() ? ""
            : ", a rerun of the same slot,") + " succeeded; there is nothing to run again");
      }
      for (RunHistory.Process p : history.processes(run.runId())) {
        if ("JOB".equals(p.kind())) {
          lastAttempt.merge(p.refId(), p.attempt(), Math::max);
          if ("SUCCESS".equals(p.status())) {
            succeeded.add(p.refId());
          }
        }
      }
    }
    List<JobLaunch> attempts = new ArrayList<>();
    lastAttempt.forEach((job, attempt) -> attempts.add(new JobLaunch(job, attempt)));
    boolean dependenciesFailed = "DEP_TIMEOUT".equals(original.status()) || "DEP_ERROR".equals(original.status());
    return new OperatorCommand.Rerun(c.id(), by, original.runId(),
        original.scheduled() != null ? original.scheduled() : original.start(), List.copyOf(succeeded), attempts,
        "WITH_DEPS".equals(c.request().argument()) || dependenciesFailed);
  }

  private Behavior<Msg> onPrepared(Prepared m) {
    long chain = m.command().request().chainId();
    InFlight current = inFlight.get(chain);
    if (current == null || current.command().id() != m.command().id()) {
      return Behaviors.same(); // given up on meanwhile; read again at a later poll
    }
    if (m.operation() == null) { // the database failed while preparing: tried again at a later poll
      inFlight.remove(chain);
      return Behaviors.same();
    }
    Instant accepted = m.command().requestedAt() != null ? m.command().requestedAt() : services.clock().instant();
    guardian.tell(new SchedulerGuardian.Deliver(chain, m.operation(),
        accepted.plus(services.settings().misfireGrace()), answers));
    return Behaviors.same();
  }

  private Behavior<Msg> onAnswered(Answered m) {
    long commandId = m.outcome().commandId();
    inFlight.values().stream().filter(f -> f.command().id() == commandId).findFirst()
        .ifPresent(f -> write(f.command(), m.outcome()));
    return Behaviors.same();
  }

  private void write(Command command, OperatorCommand.Outcome outcome) {
    String node = services.settings().nodeName();
    Clock clock = services.clock();
    context.pipeToSelf(CompletableFuture.runAsync(() -> services.commands().complete(command,
            new CommandRepository.Outcome(outcome.done(), outcome.text(), outcome.runId(), node), clock.instant()),
        blocking), (ok, error) -> new Written(command, error));
  }

  private Behavior<Msg> onWritten(Written m) {
    if (m.error() != null) { // the row stays PENDING: handed over again, and answered from the journal
      context.getLog().warn("command {}: its outcome could not be written yet ({}); it is retried",
          m.command().id(), DatabaseOutage.rootMessage(m.error()));
    }
    inFlight.computeIfPresent(m.command().request().chainId(),
        (chain, f) -> f.command().id() == m.command().id() ? null : f);
    if (m.error() != null) {
      return Behaviors.same(); // read again at the next poll, not at once: a failing write must not spin
    }
    readSoon = true;
    return poll();
  }
}
