package io.baton.chain;

import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessLauncher;
import io.baton.exec.ProcessRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The host's processes, simulated: a start returns a {@link FakeProcess} at once, begun at the
 * instant it was asked not to begin before, and the test ends each one with an exit code. Every
 * start is kept, with its request, in order. (A real launcher returns only at that instant: the
 * first processes of a run journaled ahead are known to their actors here up to 50 ms early, so
 * tests time ottimes on processes that start after their run's instant.)
 */
final class FakeHost implements ProcessHost {
  private final Clock clock;
  private final List<FakeProcess> started = new ArrayList<>();
  private final Set<FakeProcess> live = new LinkedHashSet<>(); // a week of processes is too many to search
  private long nextPid = 4000;
  private volatile String refusal; // a start refused like an escaping script path, once set
  private volatile boolean breakNextActor;
  private volatile Integer exitAtOnce; // every process ends as it starts, with this code
  private volatile Consumer<FakeProcess> onStart = p -> {};

  private final java.util.function.LongPredicate recorded;

  /** {@code recorded}: whether the ledger records a run (it began on some node). */
  FakeHost(Clock clock, java.util.function.LongPredicate recorded) {
    this.clock = clock;
    this.recorded = recorded;
  }

  /** One process: what was asked, when it began, and its exit, which the test decides. */
  static final class FakeProcess implements ChainProcess {
    final ProcessRequest request;
    private final long pid;
    private final Instant start;
    private final boolean breaksItsActor;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean orphaned;
    private volatile int stops;
    private volatile String output = "";
    private volatile Instant plannedExit; // ends by itself then, with plannedCode
    private volatile int plannedCode;

    FakeProcess(ProcessRequest request, long pid, Instant start, boolean breaksItsActor) {
      this.request = request;
      this.pid = pid;
      this.start = start;
      this.breaksItsActor = breaksItsActor;
    }

    long refId() {
      return request.refId();
    }

    int attempt() {
      return request.attempt();
    }

    long runId() {
      return request.runId();
    }

    boolean alive() {
      return !exit.isDone();
    }

    /** How often it was told to stop (SIGTERM, then SIGKILL after the grace). */
    int stops() {
      return stops;
    }

    /** Ends with {@code code}; {@code output} is the end of its log. */
    void exit(int code, String output) {
      this.output = output;
      exit.complete(code);
    }

    void exit(int code) {
      exit(code, "");
    }

    /** Ends by itself at {@code at} with {@code code}, as time passes ({@link ChainFixture#advanceTo}). */
    void exitAt(Instant at, int code) {
      plannedCode = code;
      plannedExit = at;
    }

    Instant plannedExit() {
      return plannedExit;
    }

    /** Ends now as planned. */
    void exitAsPlanned() {
      exit(plannedCode);
    }

    /** Its node died: stops asked by that node's actors never came, the process runs on. */
    void orphan() {
      orphaned = true;
    }

    /** Killed by a node resuming its run. */
    void kill() {
      exit.complete(137);
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public Instant startTime() {
      return start;
    }

    @Override
    public Path logPath() {
      if (breaksItsActor) {
        throw new IllegalStateException("the log folder vanished");
      }
      return Path.of("/baton/logs", request.kind().name().toLowerCase() + "-" + request.runId() + "-"
          + request.refId() + "-" + request.attempt() + ".log");
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return exit;
    }

    @Override
    public void stop(Duration killGrace) {
      stops++;
      if (!orphaned) {
        exit.complete(143); // it obeys SIGTERM
      }
    }

    @Override
    public boolean killedForFence() {
      return false;
    }

    @Override
    public String outputTail(int maxChars) {
      return output;
    }
  }

  @Override
  public synchronized ChainProcess start(ProcessRequest request, long notBeforeNanos, BooleanSupplier mayStart)
      throws io.baton.exec.LaunchRefusedException {
    if (!mayStart.getAsBoolean()) {
      throw new ProcessLauncher.NotNowException("this node is not leading now");
    }
    if (refusal != null) {
      throw new io.baton.exec.LaunchRefusedException(request.label() + ": " + refusal);
    }
    // the launcher waits for the instant it was given; the nanos it counts it in have aged by the
    // time they get here (microseconds, milliseconds with a cold JIT), so the instant, a whole
    // tenth of a second in these tests, is the next one
    long waitNanos = notBeforeNanos - System.nanoTime();
    Instant now = clock.instant();
    Instant start = waitNanos <= 0 ? now : ceilToTenth(now.plusNanos(waitNanos));
    FakeProcess process = new FakeProcess(request, nextPid++, start, breakNextActor);
    breakNextActor = false;
    started.add(process);
    live.add(process);
    process.onExit().whenComplete((code, error) -> ended(process));
    onStart.accept(process);
    if (exitAtOnce != null) {
      process.exit(exitAtOnce);
    }
    return process;
  }

  private static Instant ceilToTenth(Instant t) {
    long tenths = Math.floorDiv(t.toEpochMilli() + 99, 100);
    return Instant.ofEpochMilli(tenths * 100);
  }

  @Override
  public synchronized boolean began(long chainId, long runId, Instant scheduledTime) {
    return started.stream().anyMatch(p -> p.runId() == runId) || recorded.test(runId);
  }

  private synchronized void ended(FakeProcess process) {
    live.remove(process);
  }

  @Override
  public List<Long> killSurvivors(long runId, List<ActiveRun.JobAttempt> jobs) {
    List<FakeProcess> survivors = running().stream().filter(p -> p.runId() == runId).toList();
    survivors.forEach(FakeProcess::kill);
    return survivors.stream().map(FakeProcess::pid).toList();
  }

  /** Every start from now on is refused with {@code reason} (null: allowed again). */
  void refuse(String reason) {
    refusal = reason;
  }

  /** From now on every process ends with {@code code} as soon as it has started (null: not any more). */
  void exitAtOnce(Integer code) {
    exitAtOnce = code;
  }

  /** {@code plan} sees every process as it starts (to plan its exit, say). */
  void onStart(Consumer<FakeProcess> plan) {
    onStart = plan;
  }

  /** The running process that plans to end first, if any. */
  synchronized Optional<FakeProcess> nextPlannedExit() {
    return live.stream().filter(p -> p.plannedExit() != null).min(Comparator.comparing(FakeProcess::plannedExit));
  }

  /** The next process started makes the actor that asked for it fail as it records the start. */
  void breakNextActor() {
    breakNextActor = true;
  }

  synchronized List<FakeProcess> all() {
    return List.copyOf(started);
  }

  synchronized List<FakeProcess> where(Predicate<FakeProcess> which) {
    return started.stream().filter(which).toList();
  }

  List<FakeProcess> jobs() {
    return where(p -> p.request.kind() == ProcessKind.JOB);
  }

  /** The jobs started, by id, in the order they started. */
  List<Long> jobIds() {
    return jobs().stream().map(FakeProcess::refId).toList();
  }

  /** The dependency checks started, by dependency id, in the order they started (checks started at once race). */
  List<Long> checkIds() {
    return checks().stream().map(FakeProcess::refId).toList();
  }

  List<FakeProcess> checks() {
    return where(p -> p.request.kind() == ProcessKind.DEP);
  }

  synchronized List<FakeProcess> running() {
    return List.copyOf(live);
  }

  /** The latest process of job or dependency {@code refId}. */
  FakeProcess latest(ProcessKind kind, long refId) {
    List<FakeProcess> of = where(p -> p.request.kind() == kind && p.refId() == refId);
    if (of.isEmpty()) {
      throw new AssertionError("no " + kind + " " + refId + " was started; started: " + all().stream()
          .map(p -> p.request.label() + " attempt " + p.attempt()).toList());
    }
    return of.get(of.size() - 1);
  }

  FakeProcess job(long jobId) {
    return latest(ProcessKind.JOB, jobId);
  }

  FakeProcess check(long dependencyId) {
    return latest(ProcessKind.DEP, dependencyId);
  }
}
