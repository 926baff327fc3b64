package io.baton.exec;

import io.baton.config.BatonSettings.ExecSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts job and dependency-check scripts as OS processes, each in its own session and process
 * group, with output going straight to a capped log file. No process outlives its job: groups are
 * cleaned up after every exit, along with the job's processes that left them ({@link Orphans}),
 * {@link #close()} kills what is left, if the JVM dies abruptly the {@link Spawner} kills the
 * groups, and the node's next start kills what still carries its mark ({@link JobMark}).
 */
public final class ProcessLauncher implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ProcessLauncher.class);

  private final ExecSettings exec;
  private final Path jobsDir;
  private final Path dependentDir;
  private final Path logsDir;
  private final String nodeName;
  /** Processes started and not yet gone, by pid. */
  private final Map<Long, RunningProcess> live = new ConcurrentHashMap<>();
  /** Jobs whose process is being started, by count: its pid is not known yet. */
  private final Map<JobMark.Key, Integer> starting = new ConcurrentHashMap<>();
  private final Orphans orphans;
  private final ScheduledExecutorService timer;
  private final Spawner spawner;
  private volatile boolean closed;
  private volatile boolean endedSinceTick;
  private final java.util.Set<Long> leftoverRuns;

  /**
   * Kills what a previous JVM of node {@code nodeName} left running, then makes this JVM adopt the
   * orphans of its jobs (where it can).
   */
  public ProcessLauncher(ExecSettings exec, String nodeName, Path jobsDir, Path dependentDir, Path logsDir) {
    this.exec = exec;
    this.nodeName = nodeName;
    this.jobsDir = jobsDir;
    this.dependentDir = dependentDir;
    this.logsDir = logsDir;
    this.leftoverRuns = Orphans.killLeftovers(nodeName);
    this.orphans = new Orphans(nodeName); // before the first process: only those started later are adopted
    try {
      this.spawner = Spawner.create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the process spawner", e);
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "baton-exec-timer");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * True when a process of the run was started on this host (by this node or an earlier one): its
   * log files are created only as processes are.
   */
  public boolean startedAnyOf(long chainId, long runId, Instant scheduledTime) {
    return LogFile.anyOfRun(logsDir, chainId, runId, scheduledTime);
  }

  /**
   * The runs whose processes a previous JVM of this node left running (killed at start-up): those
   * runs had begun, whatever their journal shows.
   */
  public java.util.Set<Long> leftoverRuns() {
    return leftoverRuns;
  }

  /**
   * Checks the request and starts its process; returns as soon as it runs.
   *
   * @throws LaunchRefusedException if the script or interpreter is not allowed; nothing ran
   * @throws IOException if the log file or the process cannot be created
   * @throws IllegalStateException after {@link #close()}
   */
  public RunningProcess start(ProcessRequest request) throws LaunchRefusedException, IOException {
    return start(request, System.nanoTime());
  }

  /**
   * As {@link #start(ProcessRequest)}, with the process itself started no earlier than {@code
   * notBeforeNanos} ({@link System#nanoTime()}): checks and log file are done ahead, so a job due at
   * an instant starts at that instant.
   */
  public RunningProcess start(ProcessRequest request, long notBeforeNanos) throws LaunchRefusedException, IOException {
    return start(request, notBeforeNanos, () -> true);
  }

  /**
   * As {@link #start(ProcessRequest, long)}; {@code mayStart} is asked last, after the wait for the
   * instant and just before the process is created: false refuses the start (nothing runs) with
   * {@link NotNowException}. A node that lost its lease during the wait starts nothing.
   */
  /**
   * The exact argv {@code request} would run, after every check a start makes; a refusal throws
   * with the message a run would record. Nothing is started (a preview).
   */
  public java.util.List<String> argvOf(ProcessRequest request) throws LaunchRefusedException {
    return LaunchPlan.of(request, request.kind() == ProcessKind.JOB ? jobsDir : dependentDir, exec.interpreters()).argv();
  }

  /** The log files of the processes running now (links resolved). */
  public java.util.Set<Path> openLogs() {
    java.util.Set<Path> open = new java.util.HashSet<>();
    for (RunningProcess process : live.values()) {
      try {
        open.add(process.logPath().toRealPath());
      } catch (java.io.IOException e) {
        open.add(process.logPath().toAbsolutePath()); // gone already: nothing to keep
      }
    }
    return open;
  }

  /** Where the log files of processes of this node are written. */
  public Path logsDir() {
    return logsDir;
  }

  public RunningProcess start(ProcessRequest request, long notBeforeNanos, BooleanSupplier mayStart)
      throws LaunchRefusedException, IOException {
    if (closed) {
      throw new IllegalStateException("process launcher is closed");
    }
    Path scriptDir = request.kind() == ProcessKind.JOB ? jobsDir : dependentDir;
    LaunchPlan plan = LaunchPlan.of(request, scriptDir, exec.interpreters());
    Path logFolder = LogFile.folder(logsDir, request.chainId(), request.scheduledTime());
    Map<String, String> environment = jobEnvironment();
    environment.putAll(plan.environment());
    environment.putAll(JobMark.variables(nodeName, ProcessTrees.SELF));
    JobMark.Key key = JobMark.Key.of(request);

    for (long wait; (wait = notBeforeNanos - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(wait);
    }
    if (!mayStart.getAsBoolean()) {
      throw new NotNowException("not started: this node may not start processes now (its lease is not confirmed)");
    }
    LogFile logFile = new LogFile(LogFile.create(logFolder, request), exec.logCapBytes());
    // The JVM's clock as the process is created (the kernel's start instant has only clock-tick
    // precision, too coarse to order the jobs of consecutive step levels).
    Instant startTime = Instant.now();
    starting.merge(key, 1, Integer::sum);
    try {
      Spawner.Child child = spawner.spawn(plan.argv(), plan.workDir(), environment, logFile.path());
      RunningProcess running = new RunningProcess(child, key, startTime, logFile, timer, exec.killGrace(),
          () -> escapedFrom(key, child.pid()),
          gone -> {
            child.release();
            live.remove(child.pid(), gone); // runs after live.put: see watch()
            endedSinceTick = true;
            orphans.reap();
          });
      live.put(child.pid(), running);
      running.watch();
      return running;
    } finally {
      starting.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null); // after live.put: see mayBeFirstProcess
    }
  }

  /**
   * The processes of job {@code key} that the node adopted and that run now; {@code rootPid} is its
   * first process, whose session tells its descendants that cleared their environment.
   */
  private List<ProcessHandle> escapedFrom(JobMark.Key key, long rootPid) {
    List<ProcessHandle> found = new ArrayList<>();
    for (Orphans.Found f : orphans.adoptedNow()) {
      boolean ofThisJob = f.mark() != null ? f.mark().job().equals(key) : f.proc().sid() == rootPid;
      if (ofThisJob && !mayBeFirstProcess(f)) {
        orphans.adopted(f);
        f.handle().ifPresent(found::add);
      }
    }
    return found;
  }

  /**
   * Whether {@code f} is (or may be) the first process of a job, which its spawner waits for: a job
   * being started is asked first, as it is counted there until after its pid is in {@code live}.
   */
  private boolean mayBeFirstProcess(Orphans.Found f) {
    return f.mark() != null && starting.containsKey(f.mark().job()) || live.containsKey(f.pid());
  }

  /**
   * The node's environment without its own configuration variables: those can carry the database
   * password, the API token or JVM options with either, and a job must not read them.
   */
  static Map<String, String> jobEnvironment() {
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.keySet().removeIf(ProcessLauncher::isNodeSecret);
    return environment;
  }

  static boolean isNodeSecret(String variable) {
    return variable.startsWith("BATON_DB_") || variable.startsWith("BATON_BKP_DB_")
        || variable.equals("BATON_HTTP_TOKEN") || variable.equals("JAVA_OPTS") || variable.equals("JDK_JAVA_OPTIONS")
        || variable.equals("JAVA_TOOL_OPTIONS");
  }

  /** A start refused at the last moment because the node may not act now; it may be asked again later. */
  public static final class NotNowException extends IllegalStateException {
    public NotNowException(String message) {
      super(message);
    }
  }

  /**
   * The lease of a leader that has seen a standby may be another node's after {@code deadline}:
   * should this JVM be frozen then, the companion process kills every job's group. Null: no
   * deadline (the node is alone, or stands by).
   */
  public void fenceAt(Instant deadline) {
    spawner.deadline(deadline == null ? 0 : deadline.toEpochMilli());
  }

  /**
   * The node fenced itself with a live standby about: every process tree is killed at once with
   * SIGKILL (no grace: the standby may start the same jobs in moments); their jobs end interrupted.
   * Returns how many were running.
   */
  public int killAllNow() {
    int n = 0;
    for (RunningProcess r : live.values()) {
      r.killForFence();
      n++;
    }
    return n;
  }

  /** Processes started and not yet exited (with their groups cleaned up). */
  public int running() {
    return live.size();
  }

  /**
   * The shared periodic check, with one read of /proc for all: log caps, descendants, processes of
   * jobs that left their trees (killed if their job ended), and reaping what the node adopted.
   * Also runs once after jobs ended, for processes that left them and that only this check finds.
   */
  private void tick() {
    boolean ended = endedSinceTick;
    endedSinceTick = false;
    if (live.isEmpty() && !ended && !orphans.pending()) {
      return;
    }
    try {
      List<ProcessTrees.Proc> snapshot = ProcessTrees.snapshot();
      for (RunningProcess r : live.values()) {
        r.tick(snapshot);
      }
      for (Orphans.Found f : orphans.inSnapshot(snapshot, live::containsKey)) {
        attribute(f);
      }
      orphans.reap();
      orphans.reapForgotten(snapshot, live::containsKey);
    } catch (RuntimeException e) {
      logger.warn("periodic process check failed", e); // and keep the schedule alive
    }
  }

  /** A process outside its job's tree: its job gets it, or it is killed if that job ended. */
  private void attribute(Orphans.Found f) {
    if (mayBeFirstProcess(f)) {
      return;
    }
    List<RunningProcess> jobs = live.values().stream()
        .filter(r -> f.mark() != null ? r.key().equals(f.mark().job()) : r.pid() == f.proc().sid())
        .toList();
    if (f.mark() == null && jobs.isEmpty()) {
      return; // nothing says it is a job's
    }
    orphans.adopted(f);
    f.handle().ifPresent(h -> {
      if (jobs.isEmpty()) {
        logger.warn("killing process {} of {}: it outlived its job", f.pid(), f.mark().job());
        h.destroyForcibly();
      } else {
        jobs.forEach(r -> r.adopt(h));
      }
    });
  }

  /**
   * Kills every job still running, with all its processes, waits briefly for them, kills any other
   * process still carrying this node's mark, then stops the spawner.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    for (RunningProcess r : live.values()) {
      r.kill();
      exits.add(r.onExit());
    }
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      logger.warn("{} processes did not end on close; the spawner kills them", live.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    orphans.killAll(live::containsKey); // whatever left its job unseen (no subreaper here, say)
    spawner.close();
  }
}
