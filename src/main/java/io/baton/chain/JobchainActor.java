package io.baton.chain;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainDefinition.DependencyDefinition;
import io.baton.chain.ChainDefinition.JobDefinition;
import io.baton.chain.ChainEvent.DependenciesPassed;
import io.baton.chain.ChainEvent.DependencyPassed;
import io.baton.chain.ChainEvent.FireSkipped;
import io.baton.chain.ChainEvent.JobFinished;
import io.baton.chain.ChainEvent.JobStarted;
import io.baton.chain.ChainEvent.RunFinished;
import io.baton.chain.ChainEvent.RunStarted;
import io.baton.chain.DependencyActor.Verdict;
import io.baton.exec.ProcessKind;
import io.baton.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
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

  public record DependencyChecked(long runId, long dependencyId, Verdict verdict, Integer exitCode, String detail)
      implements Command {}

  public record JobLaunched(long runId, long jobId, int stepLevel, int attempt, long pid, Instant startTime,
      String logPath) implements Command {}

  public record JobExited(long runId, long jobId, int attempt, Integer exitCode, JobStatus status, String detail)
      implements Command {}

  private record Tick() implements Command {}

  private record Resume() implements Command {}

  private record DependencyWindowClosed(long runId) implements Command {}

  private record Finish(long runId, RunStatus status) implements Command {}

  private static final Duration MAX_TIMER = Duration.ofSeconds(60); // re-read the clock at least this often
  private static final String FIRE_TIMER = "fire";

  private final ChainContext node;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final long chainId;
  private final RunLog runLog;
  private final Messages messages;
  private ChainDefinition currentDefinition;
  private Schedule schedule;
  private boolean defined;
  private boolean removed;
  private ActorRef<Drained> drainedReplyTo;
  private Instant armedSince;
  private Instant nextFire;
  private final Map<Long, ActorRef<StepActor.Command>> jobsInFlight = new HashMap<>();

  public static Behavior<Command> create(ChainContext node, ChainDefinition definition, Schedule schedule) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSelf().tell(new Define(definition, schedule));
      return Behaviors.withMdc(Command.class, Map.of("chain", "chain " + definition.id() + " "),
          new JobchainActor(node, ctx, timers, definition.id()));
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
  }

  @Override
  public ChainState emptyState() {
    return ChainState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<ChainState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.running()) {
            context.getSelf().tell(new Resume());
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
        .onCommand(DependencyChecked.class, this::onDependencyChecked)
        .onCommand(DependencyWindowClosed.class, this::onDependencyWindowClosed)
        .onCommand(JobLaunched.class, this::onJobLaunched)
        .onCommand(JobExited.class, this::onJobExited)
        .onCommand(Finish.class, this::onFinish)
        .onCommand(Interrupt.class, this::interrupt);
    builder.forAnyState()
        .onCommand(Define.class, this::define)
        .onCommand(Remove.class, this::remove)
        .onCommand(Drain.class, this::drain)
        .onAnyCommand(command -> Effect().none()); // late news of a run that already ended
    return builder.build();
  }

  // ---- schedule -------------------------------------------------------------------------------

  private Effect<ChainEvent, ChainState> define(ChainState state, Define d) {
    boolean first = !defined;
    defined = true;
    currentDefinition = d.definition();
    boolean changed = !sameSchedule(schedule, d.schedule());
    schedule = d.schedule();
    if (schedule == null || removed || drainedReplyTo != null) {
      disarm();
      return Effect().none();
    }
    if (first) {
      return catchUp(state);
    }
    if (changed || nextFire == null) {
      armedSince = node.clock().instant();
      arm(state);
    }
    return Effect().none();
  }

  /** Fires that fell while no node ran: one catch-up run for the latest if it is recent enough. */
  private Effect<ChainEvent, ChainState> catchUp(ChainState state) {
    Instant now = node.clock().instant();
    armedSince = now;
    Misfires missed = Misfires.between(schedule, state.lastFire(), now);
    if (missed.count() == 0) {
      arm(state);
      return Effect().none();
    }
    boolean recent = Duration.between(missed.latest(), now).compareTo(node.settings().misfireGrace()) <= 0;
    String text = messages.misfires(missed, recent, node.settings().misfireGrace());
    context.getLog().warn(text);
    runLog.message(null, text);
    if (!recent) {
      arm(state);
      return Effect().none();
    }
    return state.running() ? skip(missed.latest()) : startRun(Trigger.MISFIRE, missed.latest());
  }

  private void arm(ChainState state) {
    timers.cancel(FIRE_TIMER);
    Instant from = state.lastFire() != null && state.lastFire().isAfter(armedSince) ? state.lastFire() : armedSince;
    nextFire = schedule.nextFireAfter(from).orElse(null);
    node.gauges().armed(chainId, nextFire != null);
    if (nextFire != null) {
      startTickTimer();
    }
  }

  private void startTickTimer() {
    Duration wait = Duration.between(node.clock().instant(), nextFire);
    timers.startSingleTimer(FIRE_TIMER, new Tick(), wait.isNegative() ? Duration.ZERO
        : wait.compareTo(MAX_TIMER) > 0 ? MAX_TIMER : wait);
  }

  private void disarm() {
    timers.cancel(FIRE_TIMER);
    nextFire = null;
    node.gauges().armed(chainId, false);
  }

  private boolean due() {
    if (nextFire == null || schedule == null) {
      return false;
    }
    if (node.clock().instant().isBefore(nextFire)) {
      startTickTimer(); // woke early (long wait split, or the clock moved back): wait again
      return false;
    }
    return true;
  }

  private Effect<ChainEvent, ChainState> fireWhenIdle(ChainState state, Tick tick) {
    return due() ? startRun(Trigger.SCHEDULE, nextFire) : Effect().none();
  }

  private Effect<ChainEvent, ChainState> fireWhileRunning(ChainState state, Tick tick) {
    return due() ? skip(nextFire) : Effect().none();
  }

  private Effect<ChainEvent, ChainState> skip(Instant fire) {
    context.getLog().info("chain {}: fire of {} skipped, a run is still active", chainId, fire);
    return Effect().persist(new FireSkipped(fire)).thenRun(this::arm);
  }

  // ---- a run ----------------------------------------------------------------------------------

  private Effect<ChainEvent, ChainState> startRun(Trigger trigger, Instant scheduled) {
    ChainDefinition definition = currentDefinition;
    long runId = node.runIds().next();
    Instant now = node.clock().instant();
    List<ChainEvent> events = new ArrayList<>();
    events.add(new RunStarted(runId, trigger, scheduled, now, definition, node.epoch()));
    if (definition.dependencies().isEmpty()) {
      events.add(new DependenciesPassed(runId, now));
    }
    context.getLog().info("chain {}: run {} starts ({} of {})", chainId, runId, trigger, scheduled);
    return Effect().persist(events).thenRun(state -> {
      arm(state);
      begin(state.active());
    });
  }

  /** Side effects of a run that is (again) under way: record it and start what comes next. */
  private void begin(ActiveRun run) {
    runLog.runStarted(run.runId(), chainId, run.trigger(), run.scheduledTime(), run.startTime());
    if (run.dependenciesPassed()) {
      runLog.dependenciesPassed(run.runId(), chainId, run.dependenciesPassedAt());
      startLevel(run);
    } else {
      startDependencies(run);
    }
  }

  private Effect<ChainEvent, ChainState> resume(ChainState state, Resume r) {
    ActiveRun run = state.active();
    List<JobAttempt> interrupted = run.running();
    Survivors.kill(interrupted, context.getLog());
    boolean fail = node.settings().recovery() == io.baton.config.BatonSettings.Recovery.FAIL;
    String text = messages.recovery(run, fail);
    context.getLog().warn(text);
    runLog.message(run.runId(), text);
    Instant now = node.clock().instant();
    List<ChainEvent> events = new ArrayList<>();
    for (JobAttempt job : interrupted) {
      events.add(new JobFinished(run.runId(), job.jobId(), job.attempt(), null, JobStatus.INTERRUPTED, now));
    }
    if (fail) {
      events.add(new RunFinished(run.runId(), RunStatus.INTERRUPTED, now));
      return Effect().persist(events).thenRun(after -> {
        recordInterruptedJobs(run, interrupted, now);
        ended(after, run, RunStatus.INTERRUPTED, now);
      });
    }
    return Effect().persist(events).thenRun(after -> {
      recordInterruptedJobs(run, interrupted, now);
      begin(after.active());
    });
  }

  private void recordInterruptedJobs(ActiveRun run, List<JobAttempt> jobs, Instant now) {
    for (JobAttempt job : jobs) {
      runLog.processFinished(run.runId(), ProcessKind.JOB, job.jobId(), job.attempt(), now, null, "INTERRUPTED");
    }
  }

  private void startDependencies(ActiveRun run) {
    if (drainedReplyTo != null) {
      return;
    }
    double windowMinutes = run.definition().depTimeoutMinutes();
    for (DependencyDefinition dep : run.definition().dependencies()) {
      if (!run.passedDependencies().contains(dep.id())) {
        context.spawn(DependencyActor.create(node, context.getSelf(), new DependencyActor.Assignment(
            chainId, run.runId(), run.scheduledTime(), dep, windowMinutes > 0)), "dep-" + run.runId() + "-" + dep.id());
      }
    }
    if (windowMinutes > 0) {
      Instant closes = run.startTime().plusMillis(Math.round(windowMinutes * 60_000));
      Duration left = Duration.between(node.clock().instant(), closes);
      timers.startSingleTimer("dependency-window", new DependencyWindowClosed(run.runId()),
          left.isNegative() ? Duration.ZERO : left);
    }
  }

  private Effect<ChainEvent, ChainState> onDependencyChecked(ChainState state, DependencyChecked m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId() || run.dependenciesPassed()) {
      return Effect().none();
    }
    Instant now = node.clock().instant();
    switch (m.verdict()) {
      case PASSED -> {
        List<ChainEvent> events = new ArrayList<>(List.of(new DependencyPassed(run.runId(), m.dependencyId(), now)));
        boolean last = run.withDependencyPassed(m.dependencyId()).passedDependencies().size()
            >= run.definition().dependencies().size();
        if (last) {
          events.add(new DependenciesPassed(run.runId(), now));
        }
        return Effect().persist(events).thenRun(after -> {
          if (last) {
            timers.cancel("dependency-window");
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
    for (JobDefinition job : run.jobsOfLevel(level)) {
      JobAttempt previous = run.attemptOf(job.id()).orElse(null);
      if (previous != null && previous.status() == JobStatus.SUCCESS) {
        continue;
      }
      int attempt = previous == null ? 1 : previous.attempt() + 1;
      jobsInFlight.put(job.id(), context.spawn(StepActor.create(node, context.getSelf(), new StepActor.Assignment(
          chainId, run.runId(), run.scheduledTime(), job, attempt)), "job-" + run.runId() + "-" + job.id() + "-" + attempt));
    }
    context.getLog().info("chain {}: run {} step level {} started ({} jobs)", chainId, run.runId(), level,
        jobsInFlight.size());
  }

  private Effect<ChainEvent, ChainState> onJobLaunched(ChainState state, JobLaunched m) {
    if (m.runId() != state.active().runId()) {
      return Effect().none();
    }
    return Effect().persist(new JobStarted(m.runId(), m.jobId(), m.stepLevel(), m.attempt(), m.pid(),
        m.startTime(), m.logPath())).thenRun(after -> runLog.processStarted(m.runId(), chainId, ProcessKind.JOB,
        m.jobId(), m.stepLevel(), m.attempt(), m.startTime(), m.pid(), m.logPath()));
  }

  private Effect<ChainEvent, ChainState> onJobExited(ChainState state, JobExited m) {
    ActiveRun run = state.active();
    if (m.runId() != run.runId()) {
      return Effect().none();
    }
    Instant now = node.clock().instant();
    jobsInFlight.remove(m.jobId());
    node.gauges().jobOutcome(now);
    return Effect().persist(new JobFinished(m.runId(), m.jobId(), m.attempt(), m.exitCode(), m.status(), now))
        .thenRun(after -> {
          runLog.processFinished(m.runId(), ProcessKind.JOB, m.jobId(), m.attempt(), now, m.exitCode(),
              m.status().name());
          if (m.status() != JobStatus.SUCCESS && m.status() != JobStatus.INTERRUPTED) {
            String text = messages.jobFailed(run, m);
            context.getLog().warn(text);
            runLog.message(run.runId(), text);
          }
          if (jobsInFlight.isEmpty()) {
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
    context.getChildren().forEach(context::stop); // checks still polling; their processes are killed
    timers.cancel("dependency-window");
    jobsInFlight.clear();
    if (failureText != null) {
      context.getLog().warn(failureText);
      runLog.message(run.runId(), failureText);
    }
    Instant now = node.clock().instant();
    return Effect().persist(new RunFinished(run.runId(), status, now))
        .thenRun(after -> ended(after, run, status, now));
  }

  private void ended(ChainState after, ActiveRun run, RunStatus status, Instant end) {
    runLog.runFinished(run.runId(), chainId, end, status);
    context.getLog().info("chain {}: run {} ended {}", chainId, run.runId(), status);
    if (!run.skippedFires().isEmpty()) {
      runLog.message(run.runId(), messages.skipped(run));
    }
    if (removed) {
      context.getLog().info("chain {} was deleted; its actor stops", chainId);
      context.stop(context.getSelf());
    } else if (drainedReplyTo != null) {
      drainedReplyTo.tell(new Drained(chainId));
    } else if (schedule != null) {
      arm(after);
    }
  }

  private Effect<ChainEvent, ChainState> remove(ChainState state, Remove r) {
    removed = true;
    disarm();
    if (!state.running()) {
      return Effect().stop();
    }
    return Effect().none();
  }

  private Effect<ChainEvent, ChainState> drain(ChainState state, Drain d) {
    drainedReplyTo = d.replyTo();
    disarm();
    if (!state.running()) {
      d.replyTo().tell(new Drained(chainId));
      return Effect().none();
    }
    ActiveRun run = state.active();
    if (!run.dependenciesPassed()) {
      context.getChildren().forEach(context::stop); // a dependency check is simply asked again next start
    }
    replyIfDrained(run);
    return Effect().none();
  }

  private Effect<ChainEvent, ChainState> interrupt(ChainState state, Interrupt i) {
    jobsInFlight.values().forEach(job -> job.tell(new StepActor.Interrupt()));
    return Effect().none();
  }

  /** A draining run with no job left is recorded INTERRUPTED; the next start resumes it. */
  private void replyIfDrained(ActiveRun run) {
    if (drainedReplyTo != null && jobsInFlight.isEmpty()) {
      runLog.runFinished(run.runId(), chainId, node.clock().instant(), RunStatus.INTERRUPTED);
      drainedReplyTo.tell(new Drained(chainId));
    }
  }

  private static boolean sameSchedule(Schedule a, Schedule b) {
    return a == null ? b == null : b != null && a.text().equals(b.text());
  }
}
