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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts job and dependency-check scripts as OS processes, each in its own session and process
 * group, with output going straight to a capped log file. Nothing started here outlives the node:
 * groups are cleaned up after every exit, {@link #close()} kills what is left, and if the JVM dies
 * abruptly the {@link Spawner} kills the rest.
 */
public final class ProcessLauncher implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ProcessLauncher.class);

  private final ExecSettings exec;
  private final Path jobsDir;
  private final Path dependentDir;
  private final Path logsDir;
  private final Set<RunningProcess> live = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final Spawner spawner;
  private volatile boolean closed;

  public ProcessLauncher(ExecSettings exec, Path jobsDir, Path dependentDir, Path logsDir) {
    this.exec = exec;
    this.jobsDir = jobsDir;
    this.dependentDir = dependentDir;
    this.logsDir = logsDir;
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
    if (closed) {
      throw new IllegalStateException("process launcher is closed");
    }
    Path scriptDir = request.kind() == ProcessKind.JOB ? jobsDir : dependentDir;
    LaunchPlan plan = LaunchPlan.of(request, scriptDir, exec.interpreters());
    LogFile logFile = new LogFile(LogFile.create(logsDir, request), exec.logCapBytes());
    Map<String, String> environment = jobEnvironment();
    environment.putAll(plan.environment());

    for (long wait; (wait = notBeforeNanos - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(wait);
    }
    // The JVM's clock as the process is created (the kernel's start instant has only clock-tick
    // precision, too coarse to order the jobs of consecutive step levels).
    Instant startTime = Instant.now();
    Spawner.Child child = spawner.spawn(plan.argv(), plan.workDir(), environment, logFile.path());
    RunningProcess running = new RunningProcess(child, startTime, logFile, timer, exec.killGrace(),
        () -> {
          child.release();
          live.removeIf(r -> r.pid() == child.pid()); // runs after live.add: see watch()
        });
    live.add(running);
    running.watch();
    return running;
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

  /** Processes started and not yet exited (with their groups cleaned up). */
  public int running() {
    return live.size();
  }

  /** The shared periodic check: log caps and descendants, with one read of /proc for all. */
  private void tick() {
    if (live.isEmpty()) {
      return;
    }
    try {
      List<ProcessTrees.Proc> snapshot = ProcessTrees.snapshot();
      for (RunningProcess r : live) {
        r.tick(snapshot);
      }
    } catch (RuntimeException e) {
      logger.warn("periodic process check failed", e); // and keep the schedule alive
    }
  }

  /** Kills every process group still running, waits briefly for it, then stops the spawner. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    for (RunningProcess r : live) {
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
    spawner.close();
  }
}
