package io.baton.exec;

import io.baton.config.BatonSettings.ExecSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Starts job and dependency-check scripts as OS processes, each in its own session and process
 * group, with output going straight to a capped log file. No process outlives its job: groups are
 * cleaned up after every exit, along with the job's processes that left them ({@link Orphans}),
 * {@link #close()} kills what is left, if the JVM dies abruptly the {@link Spawner} kills the
 * groups, and the node's next start kills what still carries its mark ({@link JobMark}).
 */
public final class ProcessLauncher implements AutoCloseable {
  /** The last stretch of the wait for a start's instant, spun rather than parked (see {@link #awaitInstant}). */
  static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /**
   * How often the process check runs while no process of this node lives and no orphan waits:
   * an orphan of a job that ended on its own is reaped within this long.
   */
  static final Duration IDLE_CHECK = Duration.ofSeconds(5);

  private final ExecSettings exec;
  private final Path jobsDir;
  private final Path dependentDir;
  private final Path logsDir;
  private final String nodeName;
  private final String deployment;
  private final LiveJobs live;
  private final ScheduledExecutorService timer;
  private final CheckPace pace;
  private final Spawner spawner;
  private volatile boolean closed;

  /** As below, for a node that knows no deployment id: its processes carry none. */
  public ProcessLauncher(ExecSettings exec, String nodeName, Path jobsDir, Path dependentDir, Path logsDir) {
    this(exec, nodeName, null, jobsDir, dependentDir, logsDir);
  }

  /**
   * Kills what a previous JVM of node {@code nodeName} left running, then makes this JVM adopt the
   * orphans of its jobs (where it can). Its processes carry {@code deployment}
   * (io.baton.db.DeploymentId), by which a run's leftovers are told from another database's.
   */
  public ProcessLauncher(ExecSettings exec, String nodeName, String deployment, Path jobsDir, Path dependentDir,
      Path logsDir) {
    this.exec = exec;
    this.nodeName = nodeName;
    this.deployment = deployment;
    this.jobsDir = jobsDir;
    this.dependentDir = dependentDir;
    this.logsDir = logsDir;
    Orphans.killLeftovers(nodeName);
    // before the first process: only those started later are adopted
    this.live = new LiveJobs(new Orphans(nodeName));
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
    this.pace = new CheckPace(timer, Duration.ofSeconds(1), IDLE_CHECK, live::tick);
  }

  /**
   * True when a process of the run was started on this host (by this node or an earlier one): its
   * log files are created only as processes are.
   */
  public boolean startedAnyOf(long chainId, long runId, Instant scheduledTime) {
    return LogFile.anyOfRun(logsDir, chainId, runId, scheduledTime);
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
   * The exact argv {@code request} would run, after every check a start makes; a refusal throws
   * with the message a run would record. Nothing is started (a preview).
   */
  public List<String> argvOf(ProcessRequest request) throws LaunchRefusedException {
    return LaunchPlan.of(request, request.kind() == ProcessKind.JOB ? jobsDir : dependentDir, exec.interpreters()).argv();
  }

  /** The log files of the processes running now (links resolved). */
  public Set<Path> openLogs() {
    return live.openLogs();
  }

  /** The id of this node's database its processes carry; null if none. */
  public String deployment() {
    return deployment;
  }

  /** Where the log files of processes of this node are written. */
  public Path logsDir() {
    return logsDir;
  }

  /**
   * As {@link #start(ProcessRequest, long)}; {@code mayStart} is asked last, after the wait for the
   * instant and just before the process is created: false refuses the start (nothing runs) with
   * {@link NotNowException}. A node that lost its lease during the wait starts nothing.
   */
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
    environment.putAll(JobMark.variables(nodeName, ProcessTrees.SELF, deployment));
    JobMark.Key key = JobMark.Key.of(request);
    LogFile logFile = new LogFile(LogFile.newName(logFolder, request), exec.logCapBytes());

    awaitInstant(notBeforeNanos);
    if (!mayStart.getAsBoolean()) {
      throw new NotNowException("not started: this node may not start processes now (its lease is not confirmed)");
    }
    // The JVM's clock as the process is created (the kernel's start instant has only clock-tick
    // precision, too coarse to order the jobs of consecutive step levels).
    Instant startTime = Instant.now();
    live.starting(key);
    pace.hurry();
    try {
      Spawner.Child child = spawner.spawn(plan.argv(), plan.workDir(), environment, logFile.path());
      RunningProcess running = new RunningProcess(child, key, startTime, logFile, timer, exec.killGrace(),
          () -> live.escapedFrom(key, child.pid()),
          gone -> {
            child.release();
            live.gone(gone);
          });
      live.add(running);
      running.watch();
      return running;
    } finally {
      live.startOver(key);
    }
  }

  /**
   * Waits for {@code notBeforeNanos}: parked until {@link #SPIN_NANOS} before it, then spinning. A
   * thread parked for the whole wait on a quiet host wakes 0.1–0.5 ms late (often more than a
   * process takes to be created), the more so the less the node does. The spin costs at most a
   * millisecond of a core for each start that waits for its instant.
   */
  static void awaitInstant(long notBeforeNanos) {
    for (long wait; (wait = notBeforeNanos - System.nanoTime()) > 0; ) {
      if (wait > SPIN_NANOS) {
        LockSupport.parkNanos(wait - SPIN_NANOS);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /**
   * The node's environment without its own configuration variables: those can carry the database
   * password, the API token or JVM options with either, and a job must not read them.
   */
  static Map<String, String> jobEnvironment() {
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.keySet().removeIf(ProcessLauncher::isNodeSecret);
    // a node started from a job's environment passes on none of that job's marks
    environment.keySet().removeAll(Set.of(JobMark.NODE, JobMark.NODE_PID, JobMark.DEPLOYMENT));
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
    return live.killAllNow();
  }

  /** Processes started and not yet exited (with their groups cleaned up). */
  public int running() {
    return live.count();
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
    live.killAll();
    timer.shutdownNow();
    live.killLeftBehind();
    spawner.close();
  }
}
