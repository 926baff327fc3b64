package io.baton.node;

import io.baton.chain.ChainEvent.JobLaunch;
import io.baton.chain.OperatorCommand;
import io.baton.db.CommandRepository;
import io.baton.db.CommandRepository.Command;
import io.baton.db.CommandRepository.Verb;
import io.baton.db.RunHistory;
import java.time.Clock;
import java.time.Duration;
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

  private record Read(List<Command> pending, Throwable error) implements Msg {}

  /** A command made ready to hand over, or refused while preparing it (reason set). */
  private record Prepared(Command command, OperatorCommand operation, String refusal) implements Msg {}

  private record Answered(Command command, OperatorCommand.Outcome outcome) implements Msg {}

  private record Written(long commandId, Throwable error) implements Msg {}

  private static final Duration POLL = Duration.ofMillis(250);
  /** A command handed over without an answer is handed over again after this (its chain dedups it). */
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

  private final ActorContext<Msg> context;
  private final NodeServices services;
  private final ActorRef<SchedulerGuardian.Command> guardian;
  private final Executor blocking;
  private final Map<Long, Long> inFlight = new HashMap<>(); // command id -> when handed over (nanos)
  private final DatabaseOutage outage;
  private boolean reading;

  public static Behavior<Msg> create(NodeServices services, ActorRef<SchedulerGuardian.Command> guardian) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Poll(), POLL);
      return new CommandDesk(ctx, services, guardian).behavior();
    }));
  }

  private CommandDesk(ActorContext<Msg> context, NodeServices services, ActorRef<SchedulerGuardian.Command> guardian) {
    this.context = context;
    this.services = services;
    this.guardian = guardian;
    this.blocking = services.blocking();
    this.outage = new DatabaseOutage(context.getLog(), "reading operator commands");
  }

  private Behavior<Msg> behavior() {
    return Behaviors.receive(Msg.class)
        .onMessage(Poll.class, m -> poll())
        .onMessage(Read.class, this::onRead)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Written.class, this::onWritten)
        .build();
  }

  private Behavior<Msg> poll() {
    if (reading || !services.guard().leading()) {
      return Behaviors.same();
    }
    reading = true;
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> services.commands().pending(100), blocking),
        Read::new);
    return Behaviors.same();
  }

  private Behavior<Msg> onRead(Read m) {
    reading = false;
    if (m.error() != null) {
      outage.started(m.error(), 0);
      return Behaviors.same();
    }
    outage.ended();
    long now = System.nanoTime();
    inFlight.values().removeIf(since -> now - since > ANSWER_WAIT.toNanos());
    for (Command command : m.pending()) {
      if (inFlight.putIfAbsent(command.id(), now) == null) {
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> prepare(command), blocking),
            (prepared, error) -> prepared != null ? prepared
                : new Prepared(command, null, "could not be prepared: " + DatabaseOutage.rootMessage(error)));
      }
    }
    return Behaviors.same();
  }

  /** Reads what a command needs beyond its row; a command that cannot be carried out is refused here. */
  private Prepared prepare(Command c) {
    var r = c.request();
    String by = r.requestedBy();
    Duration expiry = services.settings().misfireGrace();
    if (c.requestedAt() != null && c.requestedAt().plus(expiry).isBefore(services.clock().instant())) {
      // a "run now" asked for during a long outage must not surprise anyone hours later
      return new Prepared(c, null, "expired: no node carried it out within baton.misfire-grace (" + expiry
          + ") of its acceptance at " + c.requestedAt() + "; ask again");
    }
    return switch (r.verb()) {
      case TRIGGER -> services.catalogView().chain(r.chainId())
          .filter(CatalogView.Entry::held)
          .map(held -> new Prepared(c, null, "chain " + r.chainId() + " is held and cannot run: "
              + String.join("; ", held.problems())))
          .orElseGet(() -> new Prepared(c, new OperatorCommand.RunNow(c.id(), by), null));
      case CANCEL -> new Prepared(c, new OperatorCommand.Cancel(c.id(), by, r.runId()), null);
      case SWITCH -> new Prepared(c, new OperatorCommand.Switch(c.id(), by, "ON".equals(r.argument())), null);
      case RERUN -> prepareRerun(c);
    };
  }

  /**
   * A rerun continues an ended run that did not succeed: the jobs that succeeded in it (or in the
   * runs it continued itself) are not run again, and each other job runs one attempt above its last.
   */
  private Prepared prepareRerun(Command c) {
    RunHistory history = services.runHistory();
    RunHistory.Run original = history.run(c.request().runId()).orElse(null);
    if (original == null) {
      return new Prepared(c, null, "run " + c.request().runId() + " does not exist");
    }
    if (original.end() == null) {
      return new Prepared(c, null, "run " + original.runId() + " has not ended (" + original.status()
          + "); cancel it first or wait for it");
    }
    if ("SUCCESS".equals(original.status())) {
      return new Prepared(c, null, "run " + original.runId() + " succeeded; there is nothing to run again");
    }
    Set<Long> succeeded = new LinkedHashSet<>();
    Map<Long, Integer> lastAttempt = new HashMap<>();
    Set<Long> seen = new LinkedHashSet<>();
    for (RunHistory.Run run = original; run != null && seen.add(run.runId());
        run = run.rerunOf() == null ? null : history.run(run.rerunOf()).orElse(null)) {
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
    return new Prepared(c, new OperatorCommand.Rerun(c.id(), c.request().requestedBy(), original.runId(),
        original.scheduled() != null ? original.scheduled() : original.start(), List.copyOf(succeeded), attempts,
        "WITH_DEPS".equals(c.request().argument())), null);
  }

  private Behavior<Msg> onPrepared(Prepared m) {
    if (m.refusal() != null) {
      write(m.command(), new OperatorCommand.Outcome(m.command().id(), false, m.refusal(), null));
    } else {
      ActorRef<OperatorCommand.Outcome> reply = context.messageAdapter(OperatorCommand.Outcome.class,
          outcome -> new Answered(m.command(), outcome));
      guardian.tell(new SchedulerGuardian.Deliver(m.command().request().chainId(), m.operation(), reply));
    }
    return Behaviors.same();
  }

  private Behavior<Msg> onAnswered(Answered m) {
    write(m.command(), m.outcome());
    return Behaviors.same();
  }

  private void write(Command command, OperatorCommand.Outcome outcome) {
    String node = services.settings().nodeName();
    Clock clock = services.clock();
    context.pipeToSelf(CompletableFuture.runAsync(() -> services.commands().complete(command,
            new CommandRepository.Outcome(outcome.done(), outcome.text(), outcome.runId(), node), clock.instant()),
        blocking), (ok, error) -> new Written(command.id(), error));
    if (command.request().verb() == Verb.SWITCH && outcome.done()) {
      context.getLog().info("command {}: {}", command.id(), outcome.text());
    }
  }

  private Behavior<Msg> onWritten(Written m) {
    if (m.error() != null) { // the row stays PENDING: handed over again, and answered from the journal
      context.getLog().warn("command {}: its outcome could not be written yet ({}); it is retried",
          m.commandId(), DatabaseOutage.rootMessage(m.error()));
    }
    inFlight.remove(m.commandId());
    return Behaviors.same();
  }
}
