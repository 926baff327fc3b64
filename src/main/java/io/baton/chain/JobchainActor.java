package io.baton.chain;

import io.baton.chain.DependencyActor.Verdict;
import io.baton.definition.ChainDefinition;
import io.baton.exec.ProcessKind;
import io.baton.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One chain, as an event-sourced entity: it arms its own fire timer, runs the run state machine
 * (dependencies, then step levels in order), journals every transition and tells the node what to
 * record. This file holds its protocol and routes each command by state; each concern has its own
 * file: {@link Firing} (the schedule and catch-up), {@link JournalAhead} (a run journaled before
 * its fire, begun or withdrawn), {@link RunProgress} (dependencies, levels, the end), {@link
 * Recovery} (a run found active after a restart), {@link OperatorActions} and {@link Stopping}.
 */
public final class JobchainActor extends EventSourcedBehavior<JobchainActor.Command, ChainEvent, ChainState> {

  public sealed interface Command {}

  /** The Catalog's current definition; {@code schedule} is null while the chain must not fire. */
  public record Define(ChainDefinition definition, Schedule schedule) implements Command {}

  /** The chain's row was deleted: finish the run in progress, then stop. */
  public record Remove() implements Command {}

  /** The shutdown grace is over: stop the jobs still running. */
  public record Interrupt() implements Command {}

  /** The wall clock was set: the wait for the next fire is measured again. */
  public record ClockMoved() implements Command {}

  public record DependencyChecked(long runId, long dependencyId, Verdict verdict, Integer exitCode, String detail)
      implements Command {}

  public record JobLaunched(long runId, long jobId, int stepLevel, int attempt, long pid, Instant startTime,
      String logPath) implements Command {}

  public record JobExited(long runId, long jobId, int attempt, Integer exitCode, JobStatus status, String detail)
      implements Command {}

  /**
   * An operator's command, handed over by the node's command desk; the outcome goes to {@code
   * replyTo}. Not carried out after {@code notAfter} (a command that waited through a long outage).
   */
  public record Operate(OperatorCommand command, Instant notAfter, ActorRef<OperatorCommand.Outcome> replyTo)
      implements Command, io.baton.JsonSerializable {}

  /** Sent through the cluster to start the chain where its shard is; a chain already started ignores it. */
  public record Wake() implements Command, io.baton.JsonSerializable {}

  /**
   * Its shard moves to another node (or this one stops): fire nothing more, let the running jobs
   * finish within the shutdown grace (then interrupt them), and stop; the next host resumes.
   */
  public record HandOff() implements Command {}

  /** A dependency or step actor of a run stopped; if it had not reported, it failed. */
  public record WorkerStopped(long runId, ProcessKind kind, long refId, ActorRef<?> worker) implements Command {}

  /** Stop now: the chain was deleted, or handed over, and no job of it runs any more. */
  record Leave() implements Command {}

  /** The fire timer: a fire may be due. */
  record Tick() implements Command {}

  /** Now and then: an idle chain whose next fire is far goes to sleep ({@link Dormancy}). */
  record Doze() implements Command {}

  /** The chain is recorded as awake (or could not be: asked again shortly). */
  record Registered(Throwable error) implements Command {}

  private record RegisterAgain() implements Command {}

  /** After a restart: the run that was active goes on (or ends, by the recovery rule). */
  record Resume(long runId) implements Command {}

  /** Whether a process of a run found active at the start ran on this host. */
  record RunExamined(long runId, boolean startedHere) implements Command {}

  /** The processes a resumed run's previous node left running here are gone. */
  record SurvivorsKilled(long runId, List<Long> killed) implements Command {}

  /**
   * After a run that never began was withdrawn at recovery (its fire is now a missed one), or after a
   * resumed run ended: the fires missed while no node ran the chain are caught up now.
   */
  record CatchUp() implements Command {}

  /** The fire instant of a run journaled ahead of it: start its work now. */
  record Begin(long runId) implements Command {}

  /** The instant a run begun ahead really begins: record it (its first processes start now). */
  record Began(long runId) implements Command {}

  record DependencyWindowClosed(long runId) implements Command {}

  record Finish(long runId, RunStatus status) implements Command {}

  private final ChainRuntime chain;
  private final Firing firing;
  private final JournalAhead ahead;
  private final RunProgress progress;
  private final Recovery recovery;
  private final OperatorActions operator;
  private final Stopping stopping;

  private static final Duration REGISTER_AGAIN = Duration.ofSeconds(1);

  public static Behavior<Command> create(ChainContext node, ChainDefinition definition, Schedule schedule) {
    return create(node, definition, schedule, null, null);
  }

  /**
   * {@code firesFrom}: fires before it are not owed (the chain was switched ON or rescheduled while
   * it slept); null: every fire since its last one is, by the misfire rule. {@code hostedSince}:
   * since when this node has held the chain's shard, or null: a fire owed after it fell while the
   * chain was this node's (woken late by a busy node, or started again), so it is taken late, not
   * caught up as missed.
   */
  public static Behavior<Command> create(ChainContext node, ChainDefinition definition, Schedule schedule,
      Instant firesFrom, Instant hostedSince) {
    if (node.dormancy() == Dormancy.NEVER) { // nothing to record: the entity alone (as the testkit wants it)
      return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
        ctx.getSelf().tell(new Define(definition, schedule));
        return new JobchainActor(node, ctx, timers, definition.id(), firesFrom, hostedSince);
      }));
    }
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(1_000, stash -> {
      ctx.getSelf().tell(new Define(definition, schedule));
      register(ctx, node);
      // the chain acts (reads its journal, fires, runs) only once it is recorded as awake
      return Behaviors.receive(Command.class)
          .onMessage(Registered.class, r -> {
            if (r.error() == null) {
              return stash.unstashAll(new JobchainActor(node, ctx, timers, definition.id(), firesFrom, hostedSince));
            }
            ctx.getLog().warn("chain {}: could not record it as awake; trying again: {}", definition.id(),
                r.error().toString());
            timers.startSingleTimer(new RegisterAgain(), REGISTER_AGAIN);
            return Behaviors.same();
          })
          .onMessage(RegisterAgain.class, m -> {
            register(ctx, node);
            return Behaviors.same();
          })
          .onMessage(HandOff.class, m -> Behaviors.stopped())
          .onAnyMessage(m -> {
            if (!stash.isFull()) { // else dropped: an operator's command is handed over again
              stash.stash(m);
            }
            return Behaviors.same();
          })
          .build();
    })));
  }

  private static void register(ActorContext<Command> ctx, ChainContext node) {
    ctx.pipeToSelf(node.dormancy().register(), (ok, error) -> new Registered(error));
  }

  private JobchainActor(ChainContext node, ActorContext<Command> context, TimerScheduler<Command> timers, long chainId,
      Instant firesFrom, Instant hostedSince) {
    super(PersistenceId.ofUniqueId("chain-" + chainId));
    chain = new ChainRuntime(chainId, node, context, timers, Effect());
    chain.firesFrom = firesFrom;
    chain.hostedSince = hostedSince;
    RunStartRecord record = new RunStartRecord(chain);
    progress = new RunProgress(chain, record);
    ahead = new JournalAhead(chain, record, progress);
    recovery = new Recovery(chain, ahead, progress);
    firing = new Firing(chain, ahead, recovery);
    operator = new OperatorActions(chain, ahead);
    stopping = new Stopping(chain, ahead, progress);
  }

  @Override
  public ChainState emptyState() {
    return ChainState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // ~5 events per run: the journal holds at most ~60 rows per chain, reached after ~12 runs
    return RetentionCriteria.snapshotEvery(20, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<ChainState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), recovery::recovered).build();
  }

  @Override
  public EventHandler<ChainState, ChainEvent> eventHandler() {
    return ChainState.EVENTS;
  }

  @Override
  public CommandHandler<Command, ChainEvent, ChainState> commandHandler() {
    var builder = newCommandHandlerBuilder();
    // going to sleep: its shard stops it next; a command that came meanwhile goes to its next actor
    builder.forState(state -> chain.asleep)
        .onCommand(Operate.class, m -> {
          chain.node.dormancy().redeliver(m);
          return Effect().none();
        })
        .onCommand(HandOff.class, m -> Effect().stop())
        .onAnyCommand(command -> Effect().none());
    // started by a command or a wake before its definition came (it comes next): it goes first
    builder.forState(state -> chain.definition == null)
        .onCommand(Define.class, (state, d) -> firing.define(state, d).thenUnstashAll())
        .onCommand(HandOff.class, stopping::handOff)
        .onAnyCommand(command -> Effect().stash());
    // a question to the host is out: everything else waits for its answer
    builder.forState(state -> chain.waitingForHost)
        .onCommand(RunExamined.class, firing::onRunExamined)
        .onCommand(SurvivorsKilled.class, recovery::onSurvivorsKilled)
        .onAnyCommand(command -> Effect().stash());
    builder.forState(state -> !state.running())
        .onCommand(Tick.class, firing::fireWhenIdle);
    builder.forState(ChainState::running)
        .onCommand(Tick.class, firing::fireWhileRunning)
        .onCommand(Resume.class, recovery::resume)
        .onCommand(Begin.class, ahead::onBegin)
        .onCommand(Began.class, ahead::onBegan)
        .onCommand(DependencyChecked.class, progress::onDependencyChecked)
        .onCommand(DependencyWindowClosed.class, progress::onDependencyWindowClosed)
        .onCommand(JobLaunched.class, progress::onJobLaunched)
        .onCommand(JobExited.class, progress::onJobExited)
        .onCommand(Finish.class, progress::onFinish)
        .onCommand(WorkerStopped.class, progress::onWorkerStopped)
        .onCommand(Interrupt.class, stopping::interrupt);
    builder.forAnyState()
        .onCommand(Define.class, firing::define)
        .onCommand(Remove.class, stopping::remove)
        .onCommand(HandOff.class, stopping::handOff)
        .onCommand(Leave.class, leave -> Effect().stop())
        .onCommand(Operate.class, operator::operate)
        .onCommand(CatchUp.class, firing::onCatchUp)
        .onCommand(ClockMoved.class, firing::onClockMoved)
        .onCommand(Doze.class, stopping::doze)
        .onAnyCommand(command -> Effect().none()); // late news of a run that already ended
    return builder.build();
  }
}
