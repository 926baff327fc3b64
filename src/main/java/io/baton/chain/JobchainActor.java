package io.baton.chain;

import io.baton.definition.ChainDefinition;
import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.ChainEvent.RunWithdrawn;
import io.baton.chain.DependencyActor.Verdict;
import io.baton.config.BatonSettings;
import io.baton.exec.ProcessKind;
import io.baton.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One chain: arms its own fire timer, runs the run state machine (dependencies, then step levels
 * in order), persists every transition and tells the Receiver what to record.
 */
public final class JobchainActor extends EventSourcedBehavior<JobchainActor.Command, ChainEvent, ChainState> {

  public sealed interface Command {}

  /** The Catalog's current definition; {@code schedule} is null while the chain must not fire. */
  public record Define(ChainDefinition definition, Schedule schedule) implements Command {}

  /** The chain's row was deleted: finish the run in progress, then stop. */
  public record Remove() implements Command {}

  /** The node is stopping: fire nothing more, start no process; reply when no job runs. */
  public record Drain(ActorRef<Drained> replyTo) implements Command {}

  /** The shutdown grace is over: stop the jobs still running. */
  public record Interrupt() implements Command {}

  public record Drained(long chainId) {}

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
      implements Command {}

  /** A dependency or step actor of a run stopped; if it had not reported, it failed. */
  public record WorkerStopped(long runId, ProcessKind kind, long refId, ActorRef<?> worker) implements Command {}

  record Tick() implements Command {}

  /** After a restart: the run that was active goes on (or ends, by the recovery rule). */
  private record Resume(long runId) implements Command {}

  /** After a run that never began was withdrawn at recovery: its fire is now a missed one. */
  private record CatchUp() implements Command {}

  /** The fire instant of a run journaled ahead of it: start its work now. */
  private record Begin(long runId) implements Command {}

  /** The instant a run begun ahead really begins: record it (its first processes start now). */
  private record Began(long runId) implements Command {}

  private record DependencyWindowClosed(long runId) implements Command {}

  private record Finish(long runId, RunStatus status) implements Command {}

  private static final String DEPENDENCY_WINDOW = "dependency-window";
  private static final String BEGIN = "begin";
  private static final String BEGAN = "began";
  /** A run journaled ahead begins this much before its instant; its first processes wait for the instant itself. */
  private static final Duration BEGIN_EARLY = Duration.ofMillis(50); // a few 10 ms scheduler ticks
  /** A fenced node asks again this often whether it may begin the run it journaled. */
  private static final Duration BEGIN_RETRY = Duration.ofMillis(100);

  private final ChainContext node;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final long chainId;
  private final RunLog runLog;
  private final Messages messages;
  private final FireTimer fireTimer;
  private final RunWorkers workers;
  private final LogIds log;
  private ChainDefinition currentDefinition;
  private boolean removed;
  private ActorRef<Drained> drainedReplyTo;
  private long waitingToBegin; // the run journaled ahead whose fire instant has not come yet, or 0
  private Instant lastFireBefore; // the chain's last fire before that run
  private boolean resuming; // the run being begun again was active when its node stopped
  private long recordedRun; // the run whose chain_run row this actor has sent to be written
  private boolean switchedOff; // by an operator's command, until the Catalog reads the switch OFF

  public static Behavior<Command> create(ChainContext node, ChainDefinition definition, Schedule schedule) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSelf().tell(new Define(definition, schedule));
      return new JobchainActor(node, ctx, timers, definition.id());
    }));
  }

  private JobchainActor(ChainContext node, ActorContext<Command> context, TimerScheduler<Command> timers, long chainId) {
    super(PersistenceId.ofUniqueId("chain-" + chainId));
    this.node = node;
    this.context = context;
    this.timers = timers;
    this.chainId = chainId;
    this.runLog = node.runLog();
    this.messages = new Messages(chainId);
    this.log = new LogIds(context.getLog(), chainId);
    this.workers = new RunWorkers(node, context, chainId, log);
    this.fireTimer = new FireTimer(timers, node.clock(), node.gauges(), chainId);
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
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.lastRun() != null) {
            runLog.rewrite(chainId, state.lastRun());
          }
          if (state.running()) {
            context.getSelf().tell(new Resume(state.active().runId()));
          }
        })
        .build();
  }

  @Override
  public EventHandler<ChainState, ChainEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ChainState::apply);
  }

  @Override
  public CommandHandler<Command, ChainEvent, ChainState> commandHandler() {
    var builder = newCommandHandlerBuilder();
    builder.forState(state -> !state.running())
        .onCommand(Tick.class, this::fireWhenIdle);
    builder.forState(ChainState::running)
        .onCommand(Tick.class, this::fireWhileRunning)
        .onCommand(Resume.class, this::resume)
        .onCommand(Begin.class, this::onBegin)
        .onCommand(Began.class, this::onBegan)
        .onCommand(DependencyChecked.class, this::onDependencyChecked)
        .onCommand(DependencyWindowClosed.class, this::onDependencyWindowClosed)
        .onCommand(JobLaunched.class, this::onJobLaunched)
        .onCommand(JobExited.class, this::onJobExited)
        .onCommand(Finish.class, this::onFinish)
        .onCommand(WorkerStopped.class, this::onWorkerStopped)
        .onCommand(Interrupt.class, this::interrupt);
    builder.forAnyState()
        .onCommand(Define.class, this::define)
        .onCommand(Remove.class, this::remove)
        .onCommand(Drain.class, this::drain)
        .onCommand(Operate.class, this::operate)
        .onCommand(CatchUp.class, (state, m) -> fireTimer.schedule() == null ? Effect().none() : catchUp(state))
        .onCommand(ClockMoved.class, m -> {
          fireTimer.waitAgain();
          return Effect().none();
        })
        .onAnyCommand(command -> Effect().none()); // late news of a run that already ended
    return builder.build();
  }

  // ---- schedule -------------------------------------------------------------------------------

  private Effect<ChainEvent, ChainState> define(ChainState state, Define d) {
    boolean first = currentDefinition == null;
    currentDefinition = d.definition();
    if (!d.definition().switchOn()) {
      switchedOff = false; // the tables say OFF too now
    }
    // switched OFF by an operator: a definition read before the switch was written must not re-arm it
    boolean changed = fireTimer.use(switchedOff ? null : d.schedule());
    boolean mustNotFire = fireTimer.schedule() == null || removed || drainedReplyTo != null;
    if (!first && (changed || mustNotFire) && notBegun(state)) {
      // switched OFF, held, or rescheduled before the instant of a run journaled ahead: that fire never came
      return withdraw(state, "its chain changed").thenRun(after -> {
        if (!mustNotFire) {
          fireTimer.startFrom(node.clock().instant());
          arm(after);
        }
      });
    }
    if (first && state.running() && neverBegan(state.active())) {
      return withdrawNeverBegun(state.active());
    }
    if (mustNotFire) {
      fireTimer.disarm();
      return Effect().none();
    }
    if (first) {
      return catchUp(state);
    }
    if (changed || !fireTimer.armed()) {
      fireTimer.startFrom(node.clock().instant());
      arm(state);
    }
    return Effect().none();
  }

  /** Fires that fell while no node ran: one catch-up run for the latest if it is recent enough. */
  private Effect<ChainEvent, ChainState> catchUp(ChainState state) {
    Instant now = node.clock().instant();
    fireTimer.startFrom(now);
    Misfires missed;
    try {
      missed = Misfires.between(fireTimer.schedule(), state.lastFire(), now);
    } catch (RuntimeException e) { // a schedule whose fires cannot be computed: held by arm()
      arm(state);
      return Effect().none();
    }
    if (missed.count() == 0) {
      arm(state);
      return Effect().none();
    }
    boolean recent = Duration.between(missed.latest(), now).compareTo(node.settings().misfireGrace()) <= 0;
    report(null, messages.misfires(missed, recent, state.running(), node.settings().misfireGrace()));
    if (!recent) {
      arm(state);
      return Effect().none();
    }
    return state.running() ? skip(missed.latest()) : startRun(state, Trigger.MISFIRE, missed.latest());
  }

  /**
   * A run its node journaled ahead of the fire and that shows no sign of having begun: no progress
   * in the journal, no chain_run row (written as a run begins), no process of it left running here
   * and no log file of it here (created as its processes start). Its node died or was paused before
   * the instant, so it is not that node's run: the fire counts as missed.
   */
  private boolean neverBegan(ActiveRun run) {
    return !run.showsProgress() && !node.begunRuns().contains(run.runId())
        && !node.processes().startedAnyOf(chainId, run.runId(), run.scheduledTime());
  }

  private Effect<ChainEvent, ChainState> withdrawNeverBegun(ActiveRun run) {
    report(run.runId(), messages.neverBegan(run));
    // its fire becomes a missed one, also when it was the chain's first
    Instant before = run.previousFire() != null ? run.previousFire() : run.scheduledTime().minusNanos(1);
    return Effect().persist(new RunWithdrawn(run.runId(), before))
        .thenRun(after -> context.getSelf().tell(new CatchUp()));
  }

  /**
   * Waits for the next fire. A schedule whose next fire cannot be computed (the Catalog holds those
   * it can tell at once; some only fail months ahead) stops the chain firing, with one message, and
   * touches nothing else: a run in progress goes on.
   */
  private void arm(ChainState state) {
    try {
      fireTimer.arm(state.lastFire());
    } catch (RuntimeException e) {
      fireTimer.disarm();
      report(null, "chain " + chainId + " is held and will not fire until its timestr changes: timestr '"
          + fireTimer.schedule().text() + "': " + e.getMessage());
      fireTimer.use(null);
    }
  }

  private Effect<ChainEvent, ChainState> fireWhenIdle(ChainState state, Tick tick) {
    if (!node.guard().leading()) {
      fireTimer.retrySoon(); // fenced: a fire is taken late, never by a node that may have lost the lease
      return Effect().none();
    }
    return fireTimer.dueWithin(FireTimer.LEAD)
        .map(fire -> startRun(state, Trigger.SCHEDULE, fire))
        .orElseGet(Effect()::none);
  }

  private Effect<ChainEvent, ChainState> fireWhileRunning(ChainState state, Tick tick) {
    if (!node.guard().leading()) {
      fireTimer.retrySoon();
      return Effect().none();
    }
    return fireTimer.dueWithin(Duration.ZERO).map(this::skip).orElseGet(Effect()::none);
  }

  private Effect<ChainEvent, ChainState> skip(Instant fire) {
    log.info("chain {}: fire of {} skipped, a run is still active", chainId, fire);
    return Effect().persist(new FireSkipped(fire)).thenRun(this::arm);
  }

  // ---- a run ----------------------------------------------------------------------------------

  /** Journals the run; a fire still ahead begins at its instant, already durable by then. */
  private Effect<ChainEvent, ChainState> startRun(ChainState previous, Trigger trigger, Instant scheduled) {
    return startRun(previous, node.runIds().getAsLong(), trigger, scheduled, null, false, List.of(), state -> {});
  }

  /**
   * {@code rerun}: what a RERUN takes over; {@code skipDependencies}: they are not checked (a
   * RERUN without them); {@code alsoJournaled}: written in the same write (an operator's command);
   * {@code afterwards}: runs once the run is durable.
   */
  private Effect<ChainEvent, ChainState> startRun(ChainState previous, long runId, Trigger trigger, Instant scheduled,
      ChainEvent.Rerun rerun, boolean skipDependencies, List<ChainEvent> alsoJournaled,
      java.util.function.Consumer<ChainState> afterwards) {
    ChainDefinition definition = currentDefinition;
    Instant now = node.clock().instant();
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
    return Effect().persist(events).thenRun(state -> {
      if (start.isAfter(now)) { // written once the run is durable
        log.info("chain {}: run {} journaled, starts at its fire {} ({})", chainId, runId, scheduled, trigger);
      } else {
        log.info("chain {}: run {} starts ({} of {})", chainId, runId, trigger, scheduled);
      }
      afterwards.accept(state);
      arm(state);
      beginAt(state.active());
    });
  }

  // ---- an operator's commands ---------------------------------------------------------------------

  /**
   * Carries out an operator's command once: its effect and the fact that it was carried out are
   * journaled together, so a command handed over again (after a change of leader) gets the answer
   * it got the first time. A refusal changes nothing and is simply given again.
   */
  private Effect<ChainEvent, ChainState> operate(ChainState state, Operate m) {
    OperatorCommand command = m.command();
    var earlier = state.carriedOut(command.commandId());
    if (earlier.isPresent()) {
      m.replyTo().tell(new OperatorCommand.Outcome(command.commandId(), true, earlier.get().outcome(), earlier.get().runId()));
      return Effect().none();
    }
    if (command instanceof OperatorCommand.Refused refused) {
      return refuse(m, refused.reason());
    }
    if (removed || drainedReplyTo != null) {
      return refuse(m, "chain " + chainId + " is " + (removed ? "deleted" : "stopping on this node") + "; nothing was done");
    }
    if (node.clock().instant().isAfter(m.notAfter())) {
      // a "run now" asked for during a long outage must not surprise anyone hours later
      return refuse(m, "expired: it was not carried out within baton.misfire-grace of its acceptance; ask again");
    }
    if (command instanceof OperatorCommand.Cancel cancel) {
      return cancel(state, cancel, m);
    }
    if (command instanceof OperatorCommand.Switch change) {
      return switchChain(state, change, m);
    }
    if (state.running()) {
      ActiveRun active = state.active();
      return refuse(m, "chain " + chainId + " has an active run " + active.runId() + " (" + active.trigger()
          + ", started " + active.startTime() + "); cancel it or wait for it to end");
    }
    long runId = node.runIds().getAsLong();
    Trigger trigger = command instanceof OperatorCommand.Rerun ? Trigger.RERUN : Trigger.MANUAL;
    // a manual run's slot is its trigger instant, kept to the millisecond like a schedule's fires
    Instant scheduled = node.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    ChainEvent.Rerun rerun = null;
    boolean skipDependencies = false;
    if (command instanceof OperatorCommand.Rerun r) {
      scheduled = r.scheduledTime();
      rerun = new ChainEvent.Rerun(r.rerunOf(), r.succeededJobs(), r.lastAttempts());
      skipDependencies = !r.withDependencies();
    }
    String text = "run " + runId + " started (" + trigger + (rerun == null ? "" : " of run " + rerun.rerunOf()) + ")";
    return startRun(state, runId, trigger, scheduled, rerun, skipDependencies,
        List.of(new ChainEvent.CommandCarriedOut(command.commandId(), text, runId)), after -> {
          report(runId, messages.started(after.active(), command.by()));
          m.replyTo().tell(new OperatorCommand.Outcome(command.commandId(), true, text, runId));
        });
  }

  /**
   * ON takes effect when the Catalog reads the switch (within its poll interval); OFF at once: the
   * next fire is not armed, and a run journaled ahead whose instant has not come is withdrawn.
   */
  private Effect<ChainEvent, ChainState> switchChain(ChainState state, OperatorCommand.Switch change, Operate m) {
    String text = messages.switched(change.on(), change.by());
    List<ChainEvent> events = new ArrayList<>();
    if (!change.on() && notBegun(state)) {
      timers.cancel(BEGIN);
      waitingToBegin = 0;
      events.add(new RunWithdrawn(state.active().runId(), lastFireBefore));
    }
    events.add(new ChainEvent.CommandCarriedOut(change.commandId(), text, null));
    return Effect().persist(events).thenRun(after -> {
      switchedOff = !change.on();
      if (switchedOff) {
        fireTimer.use(null);
        fireTimer.disarm();
      }
      report(null, text);
      m.replyTo().tell(new OperatorCommand.Outcome(change.commandId(), true, text, null));
    });
  }

  private Effect<ChainEvent, ChainState> cancel(ChainState state, OperatorCommand.Cancel cancel, Operate m) {
    if (!state.running() || state.active().runId() != cancel.runId()) {
      return refuse(m, "run " + cancel.runId() + " of chain " + chainId + " is not active; nothing was cancelled");
    }
    ActiveRun run = state.active();
    if (run.cancelledBy() != null) {
      return refuse(m, "run " + run.runId() + " is already being cancelled (asked by " + run.cancelledBy() + ")");
    }
    String text = "run " + run.runId() + " cancelled: its processes are being stopped";
    return Effect().persist(List.of(new ChainEvent.RunCancelled(run.runId(), cancel.by(), node.clock().instant()),
            new ChainEvent.CommandCarriedOut(cancel.commandId(), text, run.runId())))
        .thenRun(after -> {
          report(run.runId(), messages.cancelled(run, cancel.by()));
          timers.cancel(BEGIN);
          if (after.active().dependenciesPassed() && !workers.noJobRunning()) {
            workers.cancelJobs(); // each reports CANCELLED; the last one ends the run
          } else {
            context.getSelf().tell(new Finish(run.runId(), RunStatus.CANCELLED));
          }
          m.replyTo().tell(new OperatorCommand.Outcome(cancel.commandId(), true, text, run.runId()));
        });
  }

  private Effect<ChainEvent, ChainState> refuse(Operate m, String why) {
    m.replyTo().tell(new OperatorCommand.Outcome(m.command().commandId(), false, why, null));
    return Effect().none();
  }

  private void beginAt(ActiveRun run) {
    Duration wait = Duration.between(node.clock().instant(), run.startTime().minus(BEGIN_EARLY));
    waitingToBegin = run.runId();
    if (wait.isNegative() || wait.isZero()) {
      begin(run);
    } else {
      timers.startSingleTimer(BEGIN, new Begin(run.runId()), wait);
    }
  }

  private Effect<ChainEvent, ChainState> onBegin(ChainState state, Begin b) {
    if (b.runId() == waitingToBegin && b.runId() == state.active().runId()) {
      begin(state.active());
    }
    return Effect().none();
  }

  /**
   * Side effects of a run that is (again) under way: record it and start what comes next. A node
   * that may not lead right now (paused past its lease, cut off) begins nothing and asks again:
   * either its lease is renewed and the run begins late, recorded at the instant it really began,
   * or another node leads and this chain actor is stopped, the run left to it.
   */
  private void begin(ActiveRun run) {
    if (!node.guard().leading()) {
      timers.startSingleTimer(BEGIN, new Begin(run.runId()), BEGIN_RETRY);
      return;
    }
    waitingToBegin = 0;
    log.run(run.runId());
    Instant now = node.clock().instant();
    if (resuming) { // it began at its start on its first node
      recordBegun(run, run.startTime());
    } else if (run.startTime().isAfter(now)) {
      // recorded at the instant itself, as its first processes start: a node that dies in the last
      // milliseconds before the fire has begun nothing, and its successor runs the fire as a misfire
      timers.startSingleTimer(BEGAN, new Began(run.runId()), Duration.between(now, run.startTime()));
    } else {
      recordBegun(run, now);
    }
    resuming = false;
    if (run.dependenciesPassed()) {
      startLevel(run);
    } else {
      startDependencies(run);
    }
  }

  private Effect<ChainEvent, ChainState> onBegan(ChainState state, Began b) {
    if (b.runId() != state.active().runId() || recordedRun == b.runId()) {
      return Effect().none();
    }
    if (!node.guard().leading()) {
      timers.startSingleTimer(BEGAN, b, BEGIN_RETRY); // its processes wait for the lease as well
      return Effect().none();
    }
    Instant now = node.clock().instant();
    recordBegun(state.active(), now.isAfter(state.active().startTime().plusMillis(50)) ? now : state.active().startTime());
    return Effect().none();
  }

  private void recordBegun(ActiveRun run, Instant began) {
    recordedRun = run.runId();
    node.begunRuns().add(run.runId());
    node.metrics().runStarted(chainId);
    if (run.trigger() == Trigger.SCHEDULE && !resuming) {
      node.metrics().fireBegan(Duration.between(run.scheduledTime(), began));
    }
    runLog.runStarted(run.runId(), chainId, run.trigger(), run.scheduledTime(), began, run.epoch(),
        run.node(), run.dependenciesPassedAt(), run.rerunOf());
  }

  /**
   * A run was active when the node stopped: kill its survivors, then re-run its step or end it.
   * A job journaled as about to start with no process recorded may have started in the instant
   * before the stop: it counts as an attempt (job_run names it), so the re-run's attempt is higher.
   */
  private Effect<ChainEvent, ChainState> resume(ChainState state, Resume r) {
    ActiveRun run = state.active();
    if (r.runId() != run.runId()) {
      return Effect().none(); // withdrawn at recovery; this is a later run
    }
    List<JobAttempt> interrupted = run.running();
    List<Long> killed = node.processes().killSurvivors(run.runId(), interrupted);
    if (!killed.isEmpty()) {
      log.warn("chain " + chainId + " run " + run.runId() + ": killed processes " + killed + " left by the run's previous node");
    }
    boolean cancelled = run.cancelledBy() != null; // its node died while stopping it
    boolean fail = cancelled || node.settings().recovery() == BatonSettings.Recovery.FAIL;
    RunStatus failedAs = cancelled ? RunStatus.CANCELLED : RunStatus.INTERRUPTED;
    report(run.runId(), cancelled ? messages.recoveredCancel(run) : messages.recovery(run, fail));
    runLog.rewriteJobs(chainId, run);
    Instant now = node.clock().instant();
    List<ChainEvent> events = new ArrayList<>();
    interrupted.forEach(job ->
        events.add(new JobFinished(run.runId(), job.jobId(), job.attempt(), null, JobStatus.INTERRUPTED, now)));
    if (fail) {
      events.add(new RunFinished(run.runId(), failedAs, now));
    } else if (run.dependenciesPassed()) {
      ChainState prospective = state;
      for (ChainEvent e : events) {
        prospective = prospective.apply(e);
      }
      prospective.active().nextLevel(now, node.settings().nodeName(), node.epoch()).ifPresent(events::add);
    }
    return Effect().persist(events).thenRun(after -> {
      interrupted.forEach(job -> runLog.processFinished(run.runId(), ProcessKind.JOB, job.jobId(), job.attempt(), now,
          null, JobStatus.INTERRUPTED.name()));
      if (fail) {
        ended(after, run, failedAs, now);
      } else {
        resuming = true;
        beginAt(after.active());
      }
    });
  }

  private void report(Long runId, String text) {
    log.warn(text);
    runLog.message(runId, text);
  }

  private void startDependencies(ActiveRun run) {
    if (drainedReplyTo == null) {
      Duration left = workers.startDependencies(run);
      if (run.definition().depTimeoutMinutes() > 0) {
        timers.startSingleTimer(DEPENDENCY_WINDOW, new DependencyWindowClosed(run.runId()), left);
      }
    }
  }

  private Effect<ChainEvent, ChainState> onDependencyChecked(ChainState state, DependencyChecked m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId() || run.dependenciesPassed()) {
      return Effect().none();
    }
    workers.dependencyReported(m.dependencyId());
    Instant now = node.clock().instant();
    switch (m.verdict()) {
      case PASSED -> {
        List<ChainEvent> events = new ArrayList<>(List.of(new DependencyPassed(run.runId(), m.dependencyId(), now)));
        ActiveRun passed = run.withDependencyPassed(m.dependencyId());
        boolean last = passed.passedDependencies().size() >= run.definition().dependencies().size();
        if (last) {
          events.add(new DependenciesPassed(run.runId(), now));
          if (drainedReplyTo == null) {
            passed.withDependenciesPassed(now).nextLevel(now, node.settings().nodeName(), node.epoch())
                .ifPresent(events::add);
          }
        }
        return Effect().persist(events).thenRun(after -> {
          if (last) {
            timers.cancel(DEPENDENCY_WINDOW);
            runLog.dependenciesPassed(run.runId(), chainId, now);
            startLevel(after.active());
          }
        });
      }
      case NOT_PASSED -> {
        return finish(run, RunStatus.DEP_TIMEOUT, messages.dependencyNotPassed(run, m));
      }
      case REFUSED -> {
        return finish(run, RunStatus.FAILED, messages.dependencyFailed(run, m, RunStatus.FAILED));
      }
      default -> {
        return finish(run, RunStatus.DEP_ERROR, messages.dependencyFailed(run, m, RunStatus.DEP_ERROR));
      }
    }
  }

  private Effect<ChainEvent, ChainState> onDependencyWindowClosed(ChainState state, DependencyWindowClosed m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId() || run.dependenciesPassed()) {
      return Effect().none();
    }
    return finish(run, RunStatus.DEP_TIMEOUT, messages.dependencyWindowClosed(run));
  }

  private void startLevel(ActiveRun run) {
    Integer level = run.currentLevel().orElse(null);
    if (level == null) {
      context.getSelf().tell(new Finish(run.runId(), RunStatus.SUCCESS)); // every level succeeded
      return;
    }
    if (drainedReplyTo != null) {
      replyIfDrained(run);
      return;
    }
    workers.startLevel(run, level);
  }

  /**
   * A worker failed (an exception in its actor) before it reported: its job is recorded FAILED, or
   * for a dependency check the run ends DEP_ERROR, with a message; the run never stays RUNNING.
   */
  private Effect<ChainEvent, ChainState> onWorkerStopped(ChainState state, WorkerStopped m) {
    if (m.runId() != state.active().runId() || !workers.failedUnreported(m.kind(), m.refId(), m.worker())) {
      return Effect().none();
    }
    String detail = (m.kind() == ProcessKind.JOB ? "job " : "dependency ") + m.refId() + " of chain " + chainId
        + ": its actor failed before the outcome was known (the node's log has the cause); its process was stopped";
    if (m.kind() == ProcessKind.DEP) {
      return finish(state.active(), RunStatus.DEP_ERROR, messages.workerFailed(state.active(), detail, RunStatus.DEP_ERROR));
    }
    int attempt = state.active().attemptOf(m.refId()).map(ActiveRun.JobAttempt::attempt).orElse(1);
    return onJobExited(state, new JobExited(m.runId(), m.refId(), attempt, null, JobStatus.FAILED, detail));
  }

  private Effect<ChainEvent, ChainState> onJobLaunched(ChainState state, JobLaunched m) {
    if (m.runId() != state.active().runId()) {
      return Effect().none();
    }
    if (recordedRun != m.runId()) { // its first process started before the instant's timer came: the run first
      recordBegun(state.active(), m.startTime().isAfter(state.active().startTime().plusMillis(50))
          ? m.startTime() : state.active().startTime());
    }
    return Effect().persist(new JobStarted(m.runId(), m.jobId(), m.stepLevel(), m.attempt(), m.pid(),
        m.startTime(), m.logPath(), node.settings().nodeName(), node.guard().epoch()))
        .thenRun(after -> runLog.processStarted(m.runId(), chainId, ProcessKind.JOB,
            m.jobId(), m.stepLevel(), m.attempt(), m.startTime(), m.pid(), m.logPath()));
  }

  private Effect<ChainEvent, ChainState> onJobExited(ChainState state, JobExited m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId()) {
      return Effect().none();
    }
    Instant now = node.clock().instant();
    boolean levelOver = workers.jobEnded(m.jobId());
    node.gauges().jobOutcome(now);
    node.metrics().jobEnded(m.status());
    JobFinished finished = new JobFinished(m.runId(), m.jobId(), m.attempt(), m.exitCode(), m.status(), now);
    List<ChainEvent> events = new ArrayList<>(List.of(finished));
    ActiveRun next = state.apply(finished).active();
    if (levelOver && next.failure().isEmpty() && drainedReplyTo == null) {
      // the next level's attempts go in the same write as the end of this one
      next.nextLevel(now, node.settings().nodeName(), node.epoch()).ifPresent(events::add);
    }
    return Effect().persist(events)
        .thenRun(after -> {
          runLog.processFinished(m.runId(), ProcessKind.JOB, m.jobId(), m.attempt(), now, m.exitCode(),
              m.status().name());
          if (m.status() != JobStatus.SUCCESS && m.status() != JobStatus.INTERRUPTED && m.status() != JobStatus.CANCELLED) {
            report(run.runId(), messages.jobFailed(run, m));
          }
          if (levelOver) {
            levelEnded(after.active());
          }
        });
  }

  /** Every job of the level has ended: fail the run, go to the next level, or stop for shutdown. */
  private void levelEnded(ActiveRun run) {
    RunStatus failure = run.failure().orElse(null);
    if (failure != null) {
      context.getSelf().tell(new Finish(run.runId(), failure));
    } else {
      startLevel(run);
    }
  }

  private Effect<ChainEvent, ChainState> onFinish(ChainState state, Finish m) {
    ActiveRun run = state.active();
    return m.runId() == run.runId() ? finish(run, m.status(), null) : Effect().none();
  }

  private Effect<ChainEvent, ChainState> finish(ActiveRun run, RunStatus status, String failureText) {
    workers.stopAll(); // checks still polling; their processes are killed
    timers.cancel(DEPENDENCY_WINDOW);
    if (failureText != null) {
      report(run.runId(), failureText);
    }
    Instant now = node.clock().instant();
    return Effect().persist(new RunFinished(run.runId(), status, now))
        .thenRun(after -> ended(after, run, status, now));
  }

  private void ended(ChainState after, ActiveRun run, RunStatus status, Instant end) {
    if (recordedRun != run.runId()) { // it ended before its instant's timer came (a refused job, say)
      recordBegun(run, run.startTime());
    }
    node.begunRuns().remove(run.runId());
    runLog.runFinished(run.runId(), chainId, end, status);
    node.metrics().runEnded(chainId, status, Duration.between(run.startTime(), end));
    log.info("chain {}: run {} ended {}", chainId, run.runId(), status);
    log.run(null);
    if (!run.skippedFires().isEmpty()) {
      runLog.message(run.runId(), messages.skipped(run));
    }
    if (removed) {
      log.info("chain {} was deleted; its actor stops", chainId);
      context.stop(context.getSelf());
    } else if (drainedReplyTo != null) {
      drainedReplyTo.tell(new Drained(chainId));
    } else {
      arm(after);
    }
  }

  private Effect<ChainEvent, ChainState> remove(ChainState state, Remove r) {
    removed = true;
    fireTimer.disarm();
    if (notBegun(state)) {
      return withdraw(state, "its chain was deleted").thenStop();
    }
    if (!state.running()) {
      return Effect().stop();
    }
    return Effect().none();
  }

  private Effect<ChainEvent, ChainState> drain(ChainState state, Drain d) {
    drainedReplyTo = d.replyTo();
    fireTimer.disarm();
    if (notBegun(state)) { // its fire is left to the next start's misfire rule
      return withdraw(state, "the node is stopping").thenRun(after -> d.replyTo().tell(new Drained(chainId)));
    }
    if (!state.running()) {
      d.replyTo().tell(new Drained(chainId));
      return Effect().none();
    }
    ActiveRun run = state.active();
    if (!run.dependenciesPassed()) {
      workers.stopDependencyChecks();
    }
    replyIfDrained(run);
    return Effect().none();
  }

  /** A run journaled ahead whose instant has not come (a resumed run began long ago, elsewhere). */
  private boolean notBegun(ChainState state) {
    return state.running() && waitingToBegin == state.active().runId() && !resuming;
  }

  /** A run journaled ahead whose instant has not come is taken back: as if its fire had not been taken. */
  private EffectBuilder<ChainEvent, ChainState> withdraw(ChainState state, String why) {
    timers.cancel(BEGIN);
    waitingToBegin = 0;
    log.info("chain {}: run {} had not begun and is withdrawn: {}", chainId, state.active().runId(), why);
    return Effect().persist(new RunWithdrawn(state.active().runId(), lastFireBefore));
  }

  private Effect<ChainEvent, ChainState> interrupt(ChainState state, Interrupt i) {
    workers.interruptJobs();
    return Effect().none();
  }

  /** A draining run with no job left is recorded INTERRUPTED; the next start resumes it. */
  private void replyIfDrained(ActiveRun run) {
    if (drainedReplyTo != null && workers.noJobRunning()) {
      if (recordedRun != run.runId()) {
        recordBegun(run, run.startTime());
      }
      runLog.runFinished(run.runId(), chainId, node.clock().instant(), RunStatus.INTERRUPTED);
      drainedReplyTo.tell(new Drained(chainId));
    }
  }

}
