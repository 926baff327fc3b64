package io.baton.exec;

import io.baton.config.BatonSettings.ExecSettings;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts job and dependency-check scripts as OS processes, each in its own session and process
 * group, with output going straight to a capped log file. Nothing started here outlives the node:
 * groups are cleaned up after every exit, {@link #close()} kills what is left, and if the JVM dies
 * abruptly PDEATHSIG and the {@link ProcessReaper} kill the rest.
 */
public final class ProcessLauncher implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ProcessLauncher.class);
  static final String SETSID = "/usr/bin/setsid";
  private static final String SETPRIV = "/usr/bin/setpriv";
  private static final File DEV_NULL = new File("/dev/null");

  private final ExecSettings exec;
  private final Path jobsDir;
  private final Path dependentDir;
  private final Path logsDir;
  private final List<String> prefix;
  private final Set<RunningProcess> live = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  /**
   * Every process is forked from this one long-lived thread: Linux sends PDEATHSIG when the
   * parent <em>thread</em> ends, so forking from pooled threads that retire would kill jobs.
   */
  private final ExecutorService spawner;
  private final ProcessReaper reaper;
  private volatile boolean closed;

  public ProcessLauncher(ExecSettings exec, Path jobsDir, Path dependentDir, Path logsDir) {
    if (!Files.isExecutable(Path.of(SETSID))) {
      throw new IllegalStateException(SETSID + " is required to run processes in their own group");
    }
    this.exec = exec;
    this.jobsDir = jobsDir;
    this.dependentDir = dependentDir;
    this.logsDir = logsDir;
    this.prefix = Files.isExecutable(Path.of(SETPRIV))
        ? List.of(SETSID, SETPRIV, "--pdeathsig", "KILL", "--")
        : List.of(SETSID);
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("baton-exec-timer"));
    // Long-lived threads only: pdeathsig fires when the spawning thread ends, not the JVM.
    this.spawner = Executors.newFixedThreadPool(2, daemon("baton-exec-spawn"));
    try {
      this.reaper = ProcessReaper.start();
    } catch (IOException e) {
      timer.shutdownNow();
      spawner.shutdownNow();
      throw new UncheckedIOException("cannot start the process reaper", e);
    }
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
    if (closed) {
      throw new IllegalStateException("process launcher is closed");
    }
    Path scriptDir = request.kind() == ProcessKind.JOB ? jobsDir : dependentDir;
    LaunchPlan plan = LaunchPlan.of(request, scriptDir, exec.interpreters());
    LogFile logFile = new LogFile(LogFile.create(logsDir, request), exec.logCapBytes());

    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(plan.argv());
    ProcessBuilder pb = new ProcessBuilder(argv)
        .directory(plan.workDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.path().toFile()));
    pb.environment().putAll(plan.environment());

    Process process = spawn(pb);
    reaper.register(process.pid()); // pgid == pid: setsid does not fork for a non-leader
    RunningProcess running = new RunningProcess(process, logFile, timer, exec.killGrace(),
        () -> {
          reaper.unregister(process.pid());
          live.removeIf(r -> r.pid() == process.pid()); // runs after live.add: see watch()
        });
    live.add(running);
    running.watch();
    return running;
  }

  private Process spawn(ProcessBuilder pb) throws IOException {
    try {
      return spawner.submit(pb::start).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start " + pb.command(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + pb.command(), e);
    }
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

  /** Kills every process group still running, waits briefly for it, then stops the reaper. */
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
      logger.warn("{} processes did not end on close; the reaper kills them", live.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    spawner.shutdownNow();
    reaper.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
